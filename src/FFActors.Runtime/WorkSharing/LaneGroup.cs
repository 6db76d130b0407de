using Akka.Actor;

namespace FFActors.Runtime.WorkSharing;

/// <summary>
/// The layer actors of one run generation on one layer host, by the thread (lane) each runs on: whom a layer
/// can ask for help with its matmul chunks. One actor stands for each lane; a layer never asks its own lane,
/// which could only run the chunks after the layer's own handler had finished them. Nobody is asked while the
/// lanes outnumber the cores: then an idle lane is no idle core, and a helper that the OS preempts in the middle
/// of a chunk makes the owner wait for it (measured: a thread per layer for 784-1000×4 on 2 cores lost 9–15 %).
/// </summary>
internal sealed class LaneGroup(int cores)
{
    readonly object gate = new();
    readonly List<(string Lane, IActorRef Actor)> members = new();
    (string Lane, IActorRef Actor)[] lanes = [];

    public LaneGroup() : this(Environment.ProcessorCount) { }

    public void Join(string lane, IActorRef actor)
    {
        lock (gate)
        {
            members.Add((lane, actor));
            Publish();
        }
    }

    public void Leave(IActorRef actor)
    {
        lock (gate)
        {
            members.RemoveAll(m => m.Actor.Equals(actor));
            Publish();
        }
    }

    /// <summary>One actor of every lane but <paramref name="lane"/>; none while the lanes outnumber the cores.</summary>
    public IReadOnlyList<IActorRef> HelpersFor(string lane)
    {
        var current = Volatile.Read(ref lanes);
        if (current.Length > cores) return [];
        return current.Where(m => m.Lane != lane).Select(m => m.Actor).ToArray();
    }

    void Publish() => Volatile.Write(ref lanes, members.GroupBy(m => m.Lane).Select(g => g.First()).ToArray());
}
