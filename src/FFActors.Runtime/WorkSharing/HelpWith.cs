namespace FFActors.Runtime.WorkSharing;

/// <summary>
/// A layer offers the chunks of one of its computations to a layer actor on another thread of the same process:
/// the receiver runs unclaimed chunks until none are left, then goes on with its own work. Process-local (it
/// carries a live job), so it lives here and not among the wire messages of <see cref="Protocol"/>; it needs no
/// stamp, since a job of a stopped generation has no chunks left to claim.
/// </summary>
internal sealed record HelpWith(ChunkJob Job) : Akka.Actor.INoSerializationVerificationNeeded;
