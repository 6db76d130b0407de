using Akka.Actor;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>
/// Delivers per-sample signals: holds what was published for each <see cref="SignalKey"/> until a
/// subscription for that key has all the sources it asked for, then delivers them to that subscriber
/// alone. A key is forgotten once its last waiting subscription is served (vectors nobody asked for go
/// with it), or when its generation is retired. One state: it only relays, and never computes with a signal.
/// </summary>
internal sealed class SignalExchange : CoordinatorPart
{
    sealed class Entry
    {
        public readonly Dictionary<int, Tensor> Values = new();
        public readonly List<SubscribeSignals> Waiting = [];
    }

    readonly Dictionary<SignalKey, Entry> entries = new();
    int floor;

    public SignalExchange(int threads) : base(threads)
    {
        Receive<PublishSignal>(Publish);
        // A layer's probe report is one publication per kind it was asked for.
        Receive<ProbeReport>(r =>
        {
            for (int i = 0; i < r.Kinds.Length; i++) Publish(new PublishSignal(SignalKey.For(r.Stamp, r.Kinds[i]), r.Layer, r.Values[i]));
        });
        Receive<SubscribeSignals>(Subscribe);
        Receive<RetireSignals>(r => Retire(r.BelowGeneration));
    }

    public static Props Props(int threads, string dispatcher) =>
        Akka.Actor.Props.Create(() => new SignalExchange(threads)).WithDispatcher(dispatcher);

    void Publish(PublishSignal p)
    {
        if (p.Key.Generation < floor)
        {
            p.Dispose();
            return;
        }
        var entry = EntryFor(p.Key);
        if (!entry.Values.TryAdd(p.Source, p.Values))
        {
            p.Dispose();
            return;
        }
        Deliver(p.Key, entry);
    }

    void Subscribe(SubscribeSignals s)
    {
        if (s.Key.Generation < floor) return;
        var entry = EntryFor(s.Key);
        entry.Waiting.Add(s);
        Deliver(s.Key, entry);
    }

    Entry EntryFor(SignalKey key)
    {
        if (!entries.TryGetValue(key, out var entry)) entries[key] = entry = new Entry();
        return entry;
    }

    void Deliver(SignalKey key, Entry entry)
    {
        var ready = entry.Waiting.Where(s => s.Sources.All(entry.Values.ContainsKey)).ToList();
        if (ready.Count == 0) return;
        foreach (var s in ready) entry.Waiting.Remove(s);
        bool last = entry.Waiting.Count == 0;
        for (int i = 0; i < ready.Count; i++)
        {
            // The last subscriber served gets the published tensors themselves; any earlier one gets copies.
            bool handOver = last && i == ready.Count - 1;
            var values = ready[i].Sources.Select(src => handOver ? entry.Values[src] : Copy(entry.Values[src])).ToArray();
            if (handOver)
                foreach (var src in ready[i].Sources) entry.Values.Remove(src);
            ready[i].Subscriber.Tell(new SignalsDelivered(key, ready[i].Sources, values), Self);
        }
        if (!last) return;
        foreach (var v in entry.Values.Values) v.Dispose();
        entries.Remove(key);
    }

    static Tensor Copy(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.clone().DetachFromDisposeScope();
    }

    void Retire(int below)
    {
        floor = Math.Max(floor, below);
        foreach (var (key, entry) in entries.Where(e => e.Key.Generation < floor).ToArray())
        {
            foreach (var v in entry.Values.Values) v.Dispose();
            entries.Remove(key);
        }
    }

    protected override void PostStop() => Retire(int.MaxValue);
}
