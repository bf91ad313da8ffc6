package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

class TetherTest {
  @Test void closeIsIdempotentAndObservable() {
    Tether tether = Tether.create();
    assertThat(tether.isClosed()).isFalse();
    tether.close();
    tether.close();
    assertThat(tether.isClosed()).isTrue();
  }

  @Test void aUserSuppliedOkHttpClientIsNeitherModifiedNorShutDown() throws IOException {
    OkHttpClient user = new OkHttpClient();
    int maxPerHost = user.dispatcher().getMaxRequestsPerHost();
    Tether tether = Tether.builder().okHttpClient(user).build();
    tether.close();
    assertThat(user.dispatcher().getMaxRequestsPerHost()).isEqualTo(maxPerHost);
    try (MockWebServer server = new MockWebServer()) {
      server.start(); // mockwebserver3 no longer starts itself on url()
      server.enqueue(new MockResponse.Builder().body("still works").build());
      try (Response response = user.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
        assertThat(response.body().string()).isEqualTo("still works");
      }
    }
  }

  @Test void nullArgumentsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> Tether.builder().okHttpClient(null))
        .isInstanceOf(NullPointerException.class).hasMessage("client == null");
  }
}
