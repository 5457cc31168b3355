package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.wire.Json;
import org.junit.jupiter.api.Test;

/** The Python semantics the fake's answers depend on, checked against CPython's output. */
class PyTest {

  @Test
  void floatReprMatchesPython() {
    assertThat(Py.floatRepr(8.0)).isEqualTo("8.0");
    assertThat(Py.floatRepr(-1.0)).isEqualTo("-1.0");
    assertThat(Py.floatRepr(0.1)).isEqualTo("0.1");
    assertThat(Py.floatRepr(0.0001)).isEqualTo("0.0001");
    assertThat(Py.floatRepr(0.00001)).isEqualTo("1e-05");
    assertThat(Py.floatRepr(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(Py.floatRepr(1e15)).isEqualTo("1000000000000000.0");
    assertThat(Py.floatRepr(1e16)).isEqualTo("1e+16");
    assertThat(Py.floatRepr(1.25e22)).isEqualTo("1.25e+22");
    assertThat(Py.floatRepr(123456.789)).isEqualTo("123456.789");
    assertThat(Py.floatRepr(-0.0)).isEqualTo("-0.0");
    assertThat(Py.floatRepr(Double.NaN)).isEqualTo("nan");
    assertThat(Py.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
  }

  @Test
  void strAndReprOfDecodedJson() {
    assertThat(Py.str(Json.parse("\"abc\""))).isEqualTo("abc");
    assertThat(Py.repr(Json.parse("\"abc\""))).isEqualTo("'abc'");
    assertThat(Py.repr(Json.parse("\"it's\""))).isEqualTo("\"it's\"");
    assertThat(Py.repr(Json.parse("\"it's \\\"x\\\"\""))).isEqualTo("'it\\'s \"x\"'");
    assertThat(Py.str(Json.parse("[\"a\", 1, 2.5, true, null, {\"k\": []}]")))
        .isEqualTo("['a', 1, 2.5, True, None, {'k': []}]");
    assertThat(Py.str(Json.parse("null"))).isEqualTo("None");
    assertThat(Py.str(Json.parse("18446744073709551615"))).isEqualTo("18446744073709551615");
  }

  @Test
  void conversionsAndTheirErrors() {
    assertThat(Py.toInt(Json.parse("\" 12 \"")).asInt()).isEqualTo(12);
    assertThat(Py.toInt(Json.parse("12.9")).asInt()).isEqualTo(12);
    assertThat(Py.toInt(Json.parse("-12.9")).asInt()).isEqualTo(-12);
    assertThat(Py.toInt(Json.parse("true")).asInt()).isEqualTo(1);
    assertThat(Py.toInt(Json.parse("\"1_000\"")).asInt()).isEqualTo(1000);
    assertThatThrownBy(() -> Py.toInt(Json.parse("\"12.0\"")))
        .hasMessage("invalid literal for int() with base 10: '12.0'");
    assertThatThrownBy(() -> Py.toInt(Json.parse("null")))
        .hasMessage("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
    assertThatThrownBy(() -> Py.toInt(Json.parse("[1]")))
        .hasMessageEndingWith("not 'list'");
    assertThat(Py.toFloat(Json.parse("8")).isDouble()).isTrue();
    assertThat(Py.toFloat(Json.parse("\"1e3\"")).asDouble()).isEqualTo(1000.0);
    assertThat(Py.toFloat(Json.parse("\"-inf\"")).asDouble()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> Py.toFloat(Json.parse("\"abc\"")))
        .hasMessage("could not convert string to float: 'abc'");
    assertThatThrownBy(() -> Py.toFloat(Json.parse("\"0x10\"")))
        .hasMessage("could not convert string to float: '0x10'");
    assertThat(Py.toStr(Json.parse("{\"a\": 1}")).asText()).isEqualTo("{'a': 1}");
    assertThat(Py.toBool(Json.parse("\"false\"")).asBoolean()).isTrue(); // a non-empty str
    assertThat(Py.toBool(Json.parse("0")).asBoolean()).isFalse();
    assertThat(Py.toBool(Json.parse("[]")).asBoolean()).isFalse();
  }

  @Test
  void equalityIsPythons() {
    assertThat(Py.equal(Json.parse("1"), Json.parse("1.0"))).isTrue();
    assertThat(Py.equal(Json.parse("1"), Json.parse("true"))).isTrue();
    assertThat(Py.equal(Json.parse("\"1\""), Json.parse("1"))).isFalse();
    assertThat(Py.equal(Json.parse("[1, 2]"), Json.parse("[1.0, 2]"))).isTrue();
  }

  @Test
  void dumpsIsJsonDumpsWithDefaults() {
    assertThat(Py.dumps(Json.parse("{\"a\": [1, 2.0, \"x\"], \"b\": {}, \"c\": null, \"d\": false}")))
        .isEqualTo("{\"a\": [1, 2.0, \"x\"], \"b\": {}, \"c\": null, \"d\": false}");
    assertThat(Py.dumps(Json.parse("\"caf\\u00e9 \\u20ac\\n\\t\\\"\\\\\\u007f\"")))
        .isEqualTo("\"caf\\u00e9 \\u20ac\\n\\t\\\"\\\\\\u007f\"");
    assertThat(Py.dumps(Json.parse("[]"))).isEqualTo("[]");
    assertThat(Py.dumps(Json.parse("1e20"))).isEqualTo("1e+20");
  }
}
