package org.civicos.workers.testing.ses;

/** One custom header of an email ({@code Content.Simple.Headers} in SendEmail; {@code headers} in the emulator's store). */
public record MessageHeader(String name, String value) {
}
