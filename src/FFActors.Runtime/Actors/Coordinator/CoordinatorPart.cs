using Akka.Actor;
using FFActors.Core.Platform;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>The coordinator's part failed: the run fails with <paramref name="Cause"/> (sent to the run supervisor).</summary>
internal sealed record PartFailed(Exception Cause) : INoSerializationVerificationNeeded;

/// <summary>
/// A child of the run supervisor. Every handler runs with the coordinator's intra-op thread count (the
/// thread may be a pinned one of its own), and whatever a handler throws ends the run with that
/// exception, as a fault in the coordinator always has: these parts are never restarted with lost state.
/// </summary>
internal abstract class CoordinatorPart(int threads) : ReceiveActor
{
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            IntraOpThreads.Ensure(threads);
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Context.Parent.Tell(new PartFailed(e));
            return true;
        }
    }
}
