using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors;

/// <summary>What a run produced, with the runtime's own accounting.</summary>
internal sealed record RunOutcome(PipelineResult Result, IReadOnlyList<LayerTimings> Timings, double BuildSeconds, double TrainSeconds);
