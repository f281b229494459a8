package io.couponengine.spring.boot;

import io.couponengine.CouponEngine;
import io.couponengine.cache.NearCachedStore;
import io.couponengine.event.CouponEventListener;
import io.couponengine.event.EngineObserver;
import io.couponengine.micrometer.CouponEngineMetrics;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.spi.CouponStore;
import javax.sql.DataSource;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Auto-configures a {@link CouponEngine} from {@link CouponProperties} ({@code coupon.*}): the store of
 * {@code coupon.store} (memory, redis, jdbc), an optional near-cache in front of it, and the engine itself, closed
 * with the application context, observed by Micrometer metrics when the application has a
 * {@code MeterRegistry}. Every bean is {@code @ConditionalOnMissingBean}: an application's own
 * {@code CouponEngine}, {@code CouponStore} or {@code UnifiedJedis} bean wins. Application beans of type
 * {@link CouponEventListener} are added to the engine as listeners.
 *
 * <pre>{@code
 * coupon.store=redis
 * coupon.redis.host=127.0.0.1
 * coupon.redis.port=6379
 * }</pre>
 *
 * <p>Runs after Spring Boot's DataSource and Micrometer auto-configurations (Boot 4 and Boot 3 class names both
 * listed), so their beans are seen.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@EnableConfigurationProperties(CouponProperties.class)
public class CouponAutoConfiguration {

  /** Created by Spring. */
  public CouponAutoConfiguration() {}

  /**
   * The engine over the store (wrapped in a near-cache when {@code coupon.near-cache.enabled}), closed with the
   * context; the store itself belongs to its bean.
   *
   * @param properties the bound properties (first: a binding failure is reported before a missing store)
   * @param couponStore the store bean
   * @param listeners the application's event listeners, in order
   * @param observers the engine observers (the {@link CouponEngineMetrics} bean among them), in order
   * @return the engine
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public CouponEngine couponEngine(CouponProperties properties, CouponStore couponStore,
      ObjectProvider<CouponEventListener> listeners, ObjectProvider<EngineObserver> observers) {
    CouponEngine.Builder b = CouponEngine.builder().store(nearCached(couponStore, properties.getNearCache()));
    if (properties.getExpirySweep() != null) {
      b.expirySweep(properties.getExpirySweep());
    }
    b.reservationTimeout(properties.getReservationTimeout());
    if (properties.getGenerationBatchSize() != null) {
      b.generationBatchSize(properties.getGenerationBatchSize());
    }
    if (properties.getSweepBatchSize() != null) {
      b.sweepBatchSize(properties.getSweepBatchSize());
    }
    listeners.orderedStream().forEach(b::listener);
    observers.orderedStream().forEach(b::observer);
    return b.build();
  }

  static CouponStore nearCached(CouponStore store, CouponProperties.NearCache p) {
    if (!p.isEnabled()) {
      return store;
    }
    NearCachedStore.Builder b = NearCachedStore.builder(store)
        .maximumSize(p.getMaximumSize())
        .ttl(p.getTtl())
        .jitterPercent(p.getJitterPercent())
        .staleIfError(p.getStaleIfError());
    if (p.getCatalogTtl() != null) {
      b.catalogTtl(p.getCatalogTtl());
    }
    return b.build();
  }

  /**
   * Micrometer: a {@link CouponEngineMetrics} bean when the application has a MeterRegistry. It observes the
   * engine (collected with the other {@link EngineObserver} beans) and, being a {@code MeterBinder}, is bound to
   * every registry by Spring Boot's metrics auto-configuration.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry",
      "io.couponengine.micrometer.CouponEngineMetrics"})
  @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
  @ConditionalOnProperty(name = "coupon.metrics.enabled", havingValue = "true", matchIfMissing = true)
  static class MetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CouponEngineMetrics couponEngineMetrics(CouponProperties properties) {
      CouponProperties.Metrics m = properties.getMetrics();
      CouponEngineMetrics.Builder b = CouponEngineMetrics.builder().templateTag(m.isTemplateTag());
      if (m.getPercentiles().length > 0) {
        b.percentiles(m.getPercentiles());
      }
      if (m.isPercentileHistogram()) {
        b.percentileHistogram(true);
      }
      return b.build();
    }
  }

  /** {@code coupon.store=memory} (the default): the in-memory store. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "coupon.store", havingValue = "memory", matchIfMissing = true)
  static class MemoryStoreConfiguration {

    @Bean
    @ConditionalOnMissingBean(CouponStore.class)
    InMemoryCouponStore couponStore() {
      return new InMemoryCouponStore();
    }
  }

  /** {@code coupon.store=redis}: the application's UnifiedJedis bean, or a pooled RedisClient made (and closed) here. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "coupon.store", havingValue = "redis")
  static class RedisStoreConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(UnifiedJedis.class)
    RedisClient couponJedis(CouponProperties properties) {
      CouponProperties.Redis r = properties.getRedis();
      DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
          .database(r.getDatabase())
          .timeoutMillis((int) r.getTimeout().toMillis())
          .ssl(r.isSsl())
          .clientName("coupon-engine");
      if (r.getUsername() != null) {
        cfg.user(r.getUsername());
      }
      if (r.getPassword() != null) {
        cfg.password(r.getPassword());
      }
      GenericObjectPoolConfig<redis.clients.jedis.Connection> pool = new GenericObjectPoolConfig<>();
      pool.setMaxTotal(r.getPoolSize());
      pool.setMaxIdle(r.getPoolSize());
      pool.setJmxEnabled(false);
      return RedisClient.builder().hostAndPort(new HostAndPort(r.getHost(), r.getPort())).clientConfig(cfg.build())
          .poolConfig(pool).build();
    }

    @Bean
    @ConditionalOnMissingBean(CouponStore.class)
    RedisCouponStore couponStore(UnifiedJedis jedis, CouponProperties properties) {
      return RedisCouponStore.builder(jedis, properties.getRedis().getPrefix()).build();
    }
  }

  /** {@code coupon.store=jdbc}: the application's DataSource bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "coupon.store", havingValue = "jdbc")
  static class JdbcStoreConfiguration {

    @Bean
    @ConditionalOnMissingBean(CouponStore.class)
    JdbcCouponStore couponStore(DataSource dataSource, CouponProperties properties) {
      CouponProperties.Jdbc p = properties.getJdbc();
      JdbcCouponStore store = JdbcCouponStore.builder(dataSource).tablePrefix(p.getTablePrefix()).build();
      if (p.isCreateSchema()) {
        store.createSchemaIfMissing();
      }
      return store;
    }
  }
}
