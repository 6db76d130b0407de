using Akka.Actor;
using FFActors.Core.Data;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;

namespace FFActors.Runtime.Protocol;

// The run supervisor, the evaluator and the epoch feeder. Layer reports reach the feeder through the
// supervisor (LayerStepped), credits and weight copies come straight from the layers.

/// <summary>Layers of generation <paramref name="Generation"/> are up: restore the feeding state from
/// <paramref name="From"/> and feed its epoch from its batch (nothing to feed once every epoch is done).
/// <paramref name="Stopping"/>: a stop was requested already, so feed nothing and hold at once.</summary>
internal sealed record Feed(int Generation, IReadOnlyList<IActorRef> Layers, RunSnapshot From, bool Stopping) : INoSerializationVerificationNeeded;

/// <summary>A restore is under way: drop everything in flight and wait for the next <see cref="Feed"/>.</summary>
internal sealed record SuspendFeeding(int Generation) : INoSerializationVerificationNeeded;

/// <summary>Stop feeding new batches; hold (<see cref="FeederHeld"/>, <see cref="HoldReason.Stop"/>) once those in flight are done.</summary>
internal sealed record StopFeeding : INoSerializationVerificationNeeded;

/// <summary>The checkpoint at the hold point is written: carry on.</summary>
internal sealed record ResumeFeeding : INoSerializationVerificationNeeded;

/// <summary>The drained epoch is accounted for: close it (next epoch's data order, stale-γ table turned over) and answer <see cref="EpochClosed"/>.</summary>
internal sealed record CloseEpoch : INoSerializationVerificationNeeded;

/// <summary>Start feeding the epoch after the one closed.</summary>
internal sealed record OpenEpoch : INoSerializationVerificationNeeded;

/// <summary>What the feeder contributes to a checkpoint at (<paramref name="Epoch"/>, <paramref name="Batch"/>).</summary>
internal sealed record FeederState(int Epoch, int Batch, byte[] OrderState, byte[] NegativeState, StatsSums Sums, double ElapsedSeconds, byte[]? StaleTable) : INoSerializationVerificationNeeded;

internal enum HoldReason { HoldPoint, Stop }

/// <summary>The pipeline is drained at a checkpoint point (or after a stop request) inside an epoch.
/// <paramref name="BuildSeconds"/>: the feeder's time building batches so far in this process.</summary>
internal sealed record FeederHeld(FeederState State, HoldReason Reason, double BuildSeconds) : INoSerializationVerificationNeeded;

/// <summary>Every batch of epoch <paramref name="Epoch"/> has completed; the pipeline is drained. <paramref name="Metrics"/>
/// lacks only the validation figures, which the evaluator adds.</summary>
internal sealed record EpochDrained(int Epoch, EpochMetrics Metrics, double BuildSeconds) : INoSerializationVerificationNeeded;

/// <summary>The epoch is closed; <paramref name="State"/> is the boundary checkpoint's part (batch 0 of the next epoch).</summary>
internal sealed record EpochClosed(FeederState State) : INoSerializationVerificationNeeded;

internal enum PassKind { Score, Features }

/// <summary>
/// Stream evaluation passes of <paramref name="Data"/> through the layers under the credit window: for
/// <see cref="PassKind.Score"/>, <paramref name="Classes"/> label overlays per batch (one plain pass for a
/// label-driven network); for <see cref="PassKind.Features"/>, the neutral overlay. Up to layer
/// <paramref name="Deepest"/>; layers in <paramref name="ReportMask"/> report to the evaluator.
/// </summary>
internal sealed record StreamPasses(Stamp Stamp, PassKind Kind, Dataset Data, int BatchSize, int Classes, int Deepest, long ReportMask) : INoSerializationVerificationNeeded
{
    public int Batches => (Data.Count + BatchSize - 1) / BatchSize;
}
