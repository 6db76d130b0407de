using Akka.Actor;
using FFActors.Core.Diagnostics;
using FFActors.Core.Evaluation;

namespace FFActors.Runtime.Protocol;

// The run supervisor and the evaluator. The evaluator streams its passes through the epoch feeder
// (StreamPasses, FeederMessages.cs); the layers' answers (ScoreGoodness, LayerFeatures) reach it through
// the supervisor; weight copies (ReadWeights) and the head's answers come to it directly.

/// <summary>The pipeline is drained at the end of epoch <c>Stamp.Epoch</c>: score the validation split through the
/// layers (when configured) and measure the diagnostics on a copy of <paramref name="Layers"/>' weights (when configured).</summary>
internal sealed record EvaluateEpoch(Stamp Stamp, IReadOnlyList<IActorRef> Layers) : INoSerializationVerificationNeeded;

internal sealed record EpochEvaluated(Stamp Stamp, double? ValidationAccuracy, IReadOnlyList<LayerDiagnostics>? Diagnostics) : INoSerializationVerificationNeeded;

/// <summary>Training is over: score the test split through the layers, then fit the softmax head on their features.</summary>
internal sealed record EvaluateTest(Stamp Stamp) : INoSerializationVerificationNeeded;

internal sealed record TestEvaluated(Stamp Stamp, EvaluationResult Result) : INoSerializationVerificationNeeded;

/// <summary>A restore is under way: drop whatever evaluation of an older generation is in progress.</summary>
internal sealed record CancelEvaluation(int Generation) : INoSerializationVerificationNeeded;
