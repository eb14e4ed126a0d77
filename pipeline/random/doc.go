// Package random is StableNew's prompt randomizer.
//
// It has two layers:
//
//   - A template expander compatible with sd-dynamic-prompts 0.31.0:
//     ParseTemplate, Template.Count, Template.All, Template.Random. It understands
//     variants {a|b}, counts and ranges {2$$…} {1-3$$…}, custom separators,
//     weights, sampler prefixes ~ @ !, wildcards __name__ with globs,
//     variables ${v=…}, wraps %{…$$…} and # comments, with the library's
//     combinatorial order and de-duplication rules. Where the library fails
//     (a bare $ or % in text, a stray __) this package is more lenient; the
//     doc comments of ParseTemplate, Template.Count and ExpandOptions list
//     each difference.
//
//   - The StableNew randomizer over pipeline.RandomizerConfig: NewExpander,
//     Expander.PlanRow, RowPlan.Count and RowPlan.Variant. A prompt row is
//     turned into variants by the matrix ([[slot]]), wildcards (__token__),
//     search/replace, inline {…} variants and txt2img sweeps. Each dimension
//     is exhaustive (it multiplies the variants), cyclic (one value per row
//     or per variant, advancing) or random (a seeded pick per variant). The
//     count of a row is known before anything is materialised, and variant i
//     is built on demand, the same whatever order variants are asked for.
//
// Random choices never use a global generator: every pick is derived from
// the caller's seed with a splitmix64 hash, so the same seed reproduces the
// same prompts. Output is not meant to match Python's random module.
package random
