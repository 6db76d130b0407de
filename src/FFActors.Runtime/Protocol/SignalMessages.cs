using Akka.Actor;
using static TorchSharp.torch;

namespace FFActors.Runtime.Protocol;

// The signal exchange: per-sample vectors published for one batch of one run generation and delivered
// to whoever subscribed for that batch. Kinds are named by Core's SignalNames (every layer's goodness of a
// probed batch, for exact γ and modulation rules) or by a layer kind (a top layer's readout).

/// <summary>What a signal is about: a batch of one run generation, the kind of signal, and the iteration
/// within the batch for signals exchanged more than once per batch.</summary>
public readonly record struct SignalKey(string RunId, int Generation, int Epoch, int Batch, string Kind, int Iteration = 0)
{
    public static SignalKey For(Stamp stamp, string kind, int iteration = 0) => new(stamp.RunId, stamp.Generation, stamp.Epoch, stamp.Batch, kind, iteration);

    public override string ToString() => $"{RunId}/g{Generation}/e{Epoch}/b{Batch}/{Kind}#{Iteration}";
}

/// <summary><paramref name="Source"/> (a layer index, or −1 for the coordinator) publishes its per-sample vector
/// <paramref name="Values"/> [B, …] for <paramref name="Key"/>; the exchange owns it from now on.</summary>
public sealed record PublishSignal(SignalKey Key, int Source, Tensor Values) : IDisposable, INoSerializationVerificationNeeded
{
    public void Dispose() => Values.Dispose();
}

/// <summary><paramref name="Subscriber"/> wants the vectors of <paramref name="Sources"/> for <paramref name="Key"/>:
/// delivered as one <see cref="SignalsDelivered"/> once every source has published (at once if they already have).</summary>
public sealed record SubscribeSignals(SignalKey Key, IReadOnlyList<int> Sources, IActorRef Subscriber) : INoSerializationVerificationNeeded;

/// <summary>The vectors of a subscription, <c>Values[i]</c> from <c>Sources[i]</c>, now owned by the subscriber.</summary>
public sealed record SignalsDelivered(SignalKey Key, IReadOnlyList<int> Sources, Tensor[] Values) : IDisposable, INoSerializationVerificationNeeded
{
    public void Dispose()
    {
        foreach (var v in Values) v.Dispose();
    }
}

/// <summary>Forget every signal and subscription of run generations below <paramref name="BelowGeneration"/> (a restore).</summary>
public sealed record RetireSignals(int BelowGeneration) : INoSerializationVerificationNeeded;
