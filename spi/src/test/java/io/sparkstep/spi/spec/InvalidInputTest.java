package io.sparkstep.spi.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.InvalidInputException;
import org.junit.jupiter.api.Test;

/** A spec error reaches an embedding application as the API's InvalidInputException, with every problem's line. */
class InvalidInputTest {

  @Test
  void aSpecErrorIsTheApisInvalidInput() {
    InvalidInputException error = assertThrows(InvalidInputException.class,
        () -> StepSpecJson.read("{\"step\": \"generate-trips\", \"colour\": \"red\"}"));
    assertEquals(1, error.problemLines().size(), error.problemLines().toString());
    assertTrue(error.problemLines().get(0).startsWith("colour: unknown field 'colour'"), error.problemLines().get(0));
    assertEquals(error.getMessage(), error.problemLines().get(0));
  }
}
