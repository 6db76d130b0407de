using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Event;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.WorkSharing;

namespace FFActors.Runtime.Actors;

/// <summary>
/// Creates layer actors when a coordinator asks (<see cref="CreateLayer"/>), supervises them, and
/// stops them when asked (<see cref="RetireLayers"/>). There is one per layer-host node, and one inside
/// every local run, so the coordinator places layers the same way wherever they run. A failing layer
/// is stopped, never restarted (a restart would silently re-initialise its weights); the host tells
/// the actor that asked for the layer why (<see cref="LayerFailed"/>), and the run restores from its checkpoint.
/// It watches every coordinator it creates layers for: when one is gone (its process crashed, its node was downed),
/// the layers of its runs are stopped, so a layer-host node outlives its coordinators and serves the next one
/// (a <c>--resume</c> of the run) with nothing left over.
/// </summary>
internal sealed class LayerHostActor : ReceiveActor
{
    // Keeper: the actor that asked for the layer; failures go to it, the actor that watches the layer, so a
    // failure report always arrives before the layer's Terminated (one sender, one receiver, in order).
    sealed record Child(string RunId, int Generation, int Layer, IActorRef Coordinator, IActorRef Keeper);

    readonly LayerHostSettings s;
    readonly Dictionary<IActorRef, Child> children = new();
    readonly Dictionary<(string RunId, int Generation), LaneGroup> groups = new();
    readonly HashSet<IActorRef> coordinators = new();
    long created;

    public LayerHostActor(LayerHostSettings settings)
    {
        s = settings;
        Receive<CreateLayer>(Create);
        Receive<RetireLayers>(Retire);
        // A host whose node is shutting down (it left or was downed) does not answer: a coordinator asking why a layer
        // stopped then learns of the loss from the node's removal and places the layers once, without this host, instead
        // of re-creating them here first and losing them again.
        Receive<DescribeHost>(_ => CoordinatedShutdown.Get(Context.System).ShutdownReason is null,
            _ => Sender.Tell(new LayerHostInfo(s.NodeName, s.MaximumFrameSize), Self));
        Receive<DescribeHost>(_ => { });
        Receive<Terminated>(t =>
        {
            if (coordinators.Remove(t.ActorRef)) RetireLayersOf(t.ActorRef);
            children.Remove(t.ActorRef);
            DropGroupsWithoutLayers();
        });
    }

    public static Props Props(LayerHostSettings settings) => Akka.Actor.Props.Create(() => new LayerHostActor(settings));

    void Create(CreateLayer c)
    {
        string dispatcher = s.LayerDispatchers?[c.Options.Index] ?? s.Dispatcher;
        // A pinned dispatcher gives every actor a thread of its own; any other one here has a single thread.
        string lane = dispatcher == RuntimeConfig.PinnedDispatcher ? $"{dispatcher}/{c.Options.Index}" : dispatcher;
        LaneGroup? group = null;
        if (s.WorkSharing && !groups.TryGetValue((c.RunId, c.Generation), out group))
            groups[(c.RunId, c.Generation)] = group = new LaneGroup();
        var settings = new LayerActorSettings(c.RunId, c.Generation, c.Options, c.Seed, s.Device, c.Epochs, c.CreditWindow, c.Threads,
            c.Coordinator, c.Downstream, c.Checkpoint, c.ReportGoodness, s.Hooks, group, lane);
        var layer = Context.ActorOf(LayerActor.Props(settings, dispatcher), $"layer{c.Options.Index}-g{c.Generation}-{++created}");
        Context.Watch(layer);
        children[layer] = new Child(c.RunId, c.Generation, c.Options.Index, c.Coordinator, Sender);
        if (coordinators.Add(c.Coordinator)) Context.Watch(c.Coordinator);
        Sender.Tell(new LayerCreated(c.RunId, c.Generation, c.Options.Index, layer), Self);
    }

    void Retire(RetireLayers r)
    {
        foreach (var (layer, child) in children.ToArray())
            if (child.RunId == r.RunId && child.Generation < r.BelowGeneration)
            {
                Context.Unwatch(layer);
                Context.Stop(layer);
                children.Remove(layer);
            }
        DropGroupsWithoutLayers();
    }

    void RetireLayersOf(IActorRef coordinator)
    {
        var orphans = children.Where(kv => kv.Value.Coordinator.Equals(coordinator)).ToArray();
        foreach (var (layer, _) in orphans)
        {
            Context.Unwatch(layer);
            Context.Stop(layer);
            children.Remove(layer);
        }
        if (orphans.Length > 0)
            Context.GetLogger().Warning("layer host {0}: coordinator {1} is gone; stopped its {2} layer(s), waiting for the next coordinator",
                s.NodeName, coordinator.Path, orphans.Length);
    }

    /// <summary>A run generation's lane group goes when its last layer does (a layer-host node outlives many runs).</summary>
    void DropGroupsWithoutLayers()
    {
        foreach (var key in groups.Keys.Where(k => !children.Values.Any(c => c.RunId == k.RunId && c.Generation == k.Generation)).ToArray())
            groups.Remove(key);
    }

    void Failed(IActorRef layer, Exception cause)
    {
        if (!children.TryGetValue(layer, out var child)) return;
        var reason = cause is ActorInitializationException { InnerException: { } inner } ? $"could not start: {inner.Message}" : cause.Message;
        child.Keeper.Tell(new LayerFailed(child.RunId, child.Generation, child.Layer, reason, cause is LayerFaultException { NonFinite: true }), Self);
    }

    protected override SupervisorStrategy SupervisorStrategy() => new ReportingStopStrategy(Failed);

    /// <summary>Stops a failed child and reports it; the report is sent before the stop, so it reaches the keeper before the child's Terminated.</summary>
    sealed class ReportingStopStrategy(Action<IActorRef, Exception> report)
        : OneForOneStrategy(-1, Timeout.Infinite, _ => Directive.Stop, loggingEnabled: false)
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            report(child, cause);
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }
}
