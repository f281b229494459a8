package io.couponengine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;

/**
 * The engine's JSON: ISO-8601 instants and durations, BigDecimal kept exact. Two readers: a lenient one for data
 * the engine wrote itself (a newer version may add fields), and a strict one for input a person wrote (unknown
 * fields, fractions where an integer belongs, trailing text and a bare {@code null} are refused). The mappers stay
 * private so nobody can reconfigure them. Exported to the adapter modules only; not API.
 */
public final class Json {
  private static final ObjectMapper STORED = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private static final ObjectMapper INPUT = strict();

  private Json() {}

  private static ObjectMapper strict() {
    JsonMapper mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .build();
    // with ACCEPT_FLOAT_AS_INT off "perUserLimit": 2.7 is refused rather than cut to 2; nor is "2" taken as 2
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    return mapper;
  }

  /**
   * Writes a value as JSON.
   *
   * @param value the value
   * @return JSON text
   */
  public static String write(Object value) {
    try {
      return STORED.writeValueAsString(value);
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
      return STORED.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw CouponException.withCause(ErrorCode.STORE_UNAVAILABLE,
          "stored " + type.getSimpleName() + " json is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads JSON that the engine itself wrote into a generic type; a failure means corrupt data.
   *
   * @param json the text
   * @param type the target type
   * @param <T> the type
   * @return the value
   */
  public static <T> T read(String json, TypeReference<T> type) {
    try {
      return STORED.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw CouponException.withCause(ErrorCode.STORE_UNAVAILABLE,
          "stored json is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads JSON a person wrote, strictly. A {@link CouponException} thrown by the type's constructor (its
   * validation) passes through unchanged.
   *
   * @param json the text
   * @param type the target type
   * @param field the argument name, for the message
   * @param <T> the type
   * @return the value, never null
   * @throws CouponException INVALID_ARGUMENT for malformed JSON, an unknown field, a fraction where an integer
   *     belongs or a bare {@code null}; whatever the type's validation throws
   */
  public static <T> T readInput(String json, Class<T> type, String field) {
    Preconditions.requireArg(json, field);
    T value;
    try {
      value = INPUT.readValue(json, type);
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof CouponException ce) {
        throw ce;
      }
      throw CouponException.invalidField(field, "is malformed: %s", e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw CouponException.invalidField(field, "is malformed: %s", e.getOriginalMessage());
    }
    if (value == null) {
      throw CouponException.invalidField(field, "must hold a JSON object, not null");
    }
    return value;
  }

  /**
   * Parses JSON into a tree (for readers that pick fields).
   *
   * @param json the text
   * @return the tree
   */
  public static JsonNode readTree(String json) {
    try {
      return STORED.readTree(json);
    } catch (JsonProcessingException e) {
      throw CouponException.withCause(ErrorCode.STORE_UNAVAILABLE,
          "stored json is unreadable: " + e.getOriginalMessage(), e);
    }
  }
}
