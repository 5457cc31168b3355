package dev.backlot.examples.ttv;

/**
 * What a client asks for: a prompt, the generator to render it ({@code runway}, {@code veo},
 * {@code minimax} or {@code wan}), and the clip length in seconds.
 */
public record JobRequest(String prompt, String generator, int durationSeconds) {}
