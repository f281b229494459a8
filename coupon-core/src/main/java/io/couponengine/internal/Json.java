package io.couponengine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;

/** The one Jackson mapper of the engine: ISO-8601 instants and durations, BigDecimal kept exact. Internal. */
public final class Json {
  /** Shared, thread-safe once configured. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Json() {}

  /**
   * Writes a value as JSON.
   *
   * @param value the value
   * @return JSON text
   */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw CouponException.withCause(ErrorCode.INTERNAL, "cannot write json for " + value.getClass(), e);
    }
  }

  /**
   * Reads JSON that the engine itself wrote (a store's data); a failure means corrupt data.
   *
   * @param json the text
   * @param type the target type
   * @param <T> the type
   * @return the value
   */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw CouponException.withCause(ErrorCode.STORE_UNAVAILABLE,
          "stored " + type.getSimpleName() + " json is unreadable: " + e.getOriginalMessage(), e);
    }
  }
}
