package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.internal.Json;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.Specs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the Redis store keeps what added stock needs: the code key (meta field {@code key}, set once, never part of the
 * template read back) and the added count (meta field {@code added}; a template stored before it existed reads as
 * 0). The contract suite covers the behaviour every store shares.
 */
class RedisAddedStockTest {
  static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

  UnifiedJedis jedis;
  String prefix;
  RedisCouponStore store;

  @BeforeEach
  void setUp() {
    jedis = TestRedis.newClient();
    prefix = TestRedis.uniquePrefix();
    store = new RedisCouponStore(jedis, prefix);
  }

  @AfterEach
  void tearDown() {
    try {
      TestRedis.deleteKeys(TestRedis.target(), prefix);
    } finally {
      jedis.close();
    }
  }

  private Template stored(String id, long total) {
    Template t = new Template(id, Specs.threshold(total, 1), TemplateStatus.AVAILABLE, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    return t;
  }

  @Test
  void codeKey_firstProposalWins_andNeverShowsInTheTemplate() {
    Template t = stored("KEYAAA", 10);
    String first = "0123456789abcdef0123456789abcdef";
    String second = "fedcba9876543210fedcba9876543210";
    assertThat(store.codeKey(t.id(), first)).isEqualTo(first);
    assertThat(store.codeKey(t.id(), second)).isEqualTo(first);
    try (UnifiedJedis other = TestRedis.newClient()) {
      assertThat(new RedisCouponStore(other, prefix).codeKey(t.id(), second)).isEqualTo(first);
    }
    assertThat(jedis.hget(store.keys().meta(t.id()), "key")).isEqualTo(first);

    Template back = store.findTemplate(t.id()).orElseThrow();
    assertThat(back).isEqualTo(t);
    assertThat(back.toJson()).doesNotContain(first);
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).containsExactly(t);
    // a status change keeps the key and still leaves it out of the template
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
    assertThat(store.findTemplate(t.id()).orElseThrow().toJson()).doesNotContain(first);
    assertThat(store.codeKey(t.id(), second)).isEqualTo(first);
  }

  @Test
  void codeKey_ofAnUnknownTemplate_isRefused_andCreatesNothing() {
    assertThatThrownBy(() -> store.codeKey("NOTHER", "0123456789abcdef0123456789abcdef"))
        .isInstanceOfSatisfying(CouponException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
    assertThatThrownBy(() -> store.addToTotal("NOTHER", 0)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
    assertThatThrownBy(() -> store.addToTotal("NOTHER", 3)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
    assertThat(jedis.exists(store.keys().meta("NOTHER"))).isFalse();
  }

  @Test
  void addToTotal_keepsTheAddedCountInMeta_andRefusesATotalAboveTheMaximum() {
    Template t = stored("ADDAAA", 10);
    assertThat(store.appendCodes(t.id(), 0, List.of("a", "b", "c"))).isEqualTo(3);
    assertThat(store.addToTotal(t.id(), 0)).isEqualTo(3);
    assertThat(store.addToTotal(t.id(), 5)).isEqualTo(3);
    assertThat(jedis.hget(store.keys().meta(t.id()), "added")).isEqualTo("5");
    assertThat(store.findTemplate(t.id()).orElseThrow().addedCount()).isEqualTo(5);
    assertThat(store.findTemplate(t.id()).orElseThrow().totalCount()).isEqualTo(15);
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).extracting(Template::addedCount).containsExactly(5L);

    long room = TemplateSpec.MAX_TOTAL_COUNT - 15;
    assertThatThrownBy(() -> store.addToTotal(t.id(), room + 1)).isInstanceOfSatisfying(CouponException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.violations()).extracting(v -> v.field()).containsExactly("count");
        });
    assertThatThrownBy(() -> store.addToTotal(t.id(), -1)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.violations()).extracting(v -> v.field()).containsExactly("count"));
    assertThat(store.findTemplate(t.id()).orElseThrow().addedCount()).isEqualTo(5);
    assertThat(store.addToTotal(t.id(), room)).isEqualTo(3);
    assertThat(store.findTemplate(t.id()).orElseThrow().totalCount()).isEqualTo(TemplateSpec.MAX_TOTAL_COUNT);
    // the added count survives a status change (the JSON's own addedCount is not what is read)
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
    assertThat(store.findTemplate(t.id()).orElseThrow().addedCount()).isEqualTo(room + 5);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aTemplateStoredBeforeAddedStock_readsAddedCountZero_andCanGrow() {
    Template t = new Template("OLDAAA", Specs.threshold(10, 1), TemplateStatus.AVAILABLE, T0, null);
    // as the store wrote it before: no addedCount in the JSON, no added or key field in meta
    Map<String, Object> json = Json.read(t.toJson(), Map.class);
    json.remove("addedCount");
    String oldJson = Json.write(json);
    assertThat(oldJson).doesNotContain("addedCount");
    jedis.sadd(store.keys().registry(), t.id());
    jedis.hset(store.keys().meta(t.id()), Map.of("json", oldJson, "status", "AVAILABLE", "loaded", "0"));
    assertThat(store.appendCodes(t.id(), 0, List.of("a", "b"))).isEqualTo(2);

    assertThat(store.findTemplate(t.id()).orElseThrow()).isEqualTo(t);
    assertThat(store.findTemplate(t.id()).orElseThrow().addedCount()).isZero();
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).containsExactly(t);

    assertThat(store.addToTotal(t.id(), 0)).isEqualTo(2);
    assertThat(store.addToTotal(t.id(), 4)).isEqualTo(2);
    assertThat(store.findTemplate(t.id()).orElseThrow().totalCount()).isEqualTo(14);
    assertThat(store.codeKey(t.id(), "0123456789abcdef0123456789abcdef"))
        .isEqualTo("0123456789abcdef0123456789abcdef");
  }
}
