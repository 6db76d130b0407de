using Akka.Actor;
using FFActors.Runtime.Checkpoints;

namespace FFActors.Runtime.Protocol;

// The run supervisor and the checkpoint writer. The layers' part of the conversation is
// SaveCheckpoint / CheckpointSaved (LayerControl.cs), answered to the writer.

/// <summary>Why a checkpoint is written; echoed in <see cref="CheckpointWritten"/> so the supervisor knows what comes next.</summary>
internal enum CheckpointReason { HoldPoint, Stop, EpochEnd }

/// <summary>Write checkpoint <c>Snapshot.CheckpointId</c>: every layer's part, then the run snapshot, then commit it.
/// The pipeline is drained. <paramref name="Stamp"/> tells this write's layer answers from an abandoned one's.</summary>
internal sealed record WriteCheckpoint(Stamp Stamp, RunSnapshot Snapshot, IReadOnlyList<IActorRef> Layers, CheckpointReason Reason) : INoSerializationVerificationNeeded;

/// <summary>The checkpoint is committed (the store's <c>latest</c> names it).</summary>
internal sealed record CheckpointWritten(Stamp Stamp, RunSnapshot Snapshot, CheckpointReason Reason) : INoSerializationVerificationNeeded;

/// <summary>A restore is under way: the write in progress (if any) is abandoned, never committed.</summary>
internal sealed record AbandonCheckpoint : INoSerializationVerificationNeeded;
