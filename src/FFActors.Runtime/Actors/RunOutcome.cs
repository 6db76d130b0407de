using Akka.Actor;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Diagnostics;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>What a run produced, with the runtime's own accounting.</summary>
internal sealed record RunOutcome(PipelineResult Result, IReadOnlyList<LayerTimings> Timings, double BuildSeconds, double TrainSeconds);
