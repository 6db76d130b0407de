using Akka.Actor;

namespace FFActors.Runtime.WorkSharing;

/// <summary>
/// The layer actors of one run generation on one layer host, by the thread (lane) each runs on: whom a layer
/// can ask for help with its matmul chunks. One actor stands for each lane; a layer never asks its own lane,
/// which could only run the chunks after the layer's own handler had finished them.
/// </summary>
internal sealed class LaneGroup
{
    readonly object gate = new();
    readonly List<(string Lane, IActorRef Actor)> members = new();
    (string Lane, IActorRef Actor)[] lanes = [];

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

    /// <summary>One actor of every lane but <paramref name="lane"/>.</summary>
    public IReadOnlyList<IActorRef> HelpersFor(string lane) =>
        Volatile.Read(ref lanes).Where(m => m.Lane != lane).Select(m => m.Actor).ToArray();

    void Publish() => Volatile.Write(ref lanes, members.GroupBy(m => m.Lane).Select(g => g.First()).ToArray());
}
