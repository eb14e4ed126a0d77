// Package webui is StableNew's HTTP client for an AUTOMATIC1111-compatible
// Stable Diffusion WebUI (A1111 1.10, Forge, SD.Next).
//
// It is the lowest layer of the application and imports nothing from
// StableNew. It offers:
//
//   - [Client]: typed calls for txt2img, img2img, extras, png-info, progress,
//     interrupt/skip, options and the resource lists, with per-call-class
//     timeouts and a retry policy;
//   - [Error]: one classified error type ([ErrorKind]) that carries the
//     WebUI's own message and, for HTTP 422, the list of failing fields;
//   - [Client.WatchProgress] and [Client.RunWatched]: progress polling with a
//     stall watchdog that interrupts a hung generation;
//   - [Monitor]: the connection state shown in the status bar;
//   - [Client.DiscoverResources]: checkpoints, VAEs, samplers and
//     the other lists the stage cards offer (pipeline/resources caches and resolves them);
//   - [Launcher]: an optional, explicitly configured WebUI child process.
//
// # Deadlines
//
// No call waits without end. Quick calls (lists, progress, ping, interrupt)
// have the list timeout per attempt (10 s), option changes, which load
// models, the option timeout (120 s), and an upscale (extra-single-image),
// which reports no step progress, the extras timeout (5 minutes). A
// generation is watched instead: RunWatched's watchdog interrupts it when
// its step counter stops for the watchdog duration (90 s), and the
// generation limit (60 minutes) is a backstop for a call that never
// returns however its progress looks. Each ends in an *Error of
// KindTimeout.
//
// # Retries
//
// Only connection failures and transient server errors (HTTP 502, 503, 504 and
// a 500 whose message is neither out-of-memory nor an unknown model) are
// retried, with exponential backoff. Validation errors (422), other 4xx
// replies, unknown models and out-of-memory are never retried.
//
// Generation calls (txt2img, img2img, extra-single-image) are retried only
// when the connection failed before any byte of the request was written (for
// example "connection refused" while the WebUI is restarting). Once the
// request may have reached the WebUI it is never sent again, even if the
// connection then drops or a 5xx comes back: a second copy would render the
// same images twice and, because the WebUI queues generations, could keep the
// GPU busy for minutes.
package webui
