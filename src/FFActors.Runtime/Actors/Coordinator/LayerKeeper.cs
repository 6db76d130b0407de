using Akka.Actor;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>Everything the layer keeper is built from. <paramref name="ReportGoodness"/>: the layers report
/// per-sample goodness with each step (stale γ).</summary>
internal sealed record KeeperSettings(CoordinatorSettings Run, IReadOnlyList<LayerSpec> Layers, bool ReportGoodness, RunLog Log);

/// <summary>
/// The one actor that deals with the layer hosts. It places each generation's layers (last to first, so each
/// is created knowing its downstream), watches them and their hosts, reports any loss to the supervisor as
/// <see cref="LayerLost"/>, retires old generations, and at the end gathers the trained layers back.
/// States: idle, placing (bounded: a host that does not create a layer in time counts as a loss), watching
/// (the generation is up) and gathering. Every report carries its generation; the supervisor drops old ones.
/// </summary>
internal sealed class LayerKeeper : CoordinatorPart
{
    /// <summary>How long a host may take to create one layer (creating is quick; a checkpoint may cross the network).</summary>
    static readonly TimeSpan PlaceTimeout = TimeSpan.FromSeconds(120);

    readonly CoordinatorSettings s;
    readonly IReadOnlyList<LayerSpec> specs;
    readonly bool reportGoodness;
    readonly RunLog log;
    readonly LayerPlacement placement;

    int generation, placing = -1;
    IActorRef[] layers = [];
    LayerHostRef[] hostOf = [];
    byte[]?[] checkpoints = [];
    (int Generation, int Layer, IActorRef Host)? unexplained;
    IFFLayer?[] gathered = [];
    LayerTimings?[] timings = [];
    int gatheredCount;
    bool handedOver;

    public LayerKeeper(KeeperSettings settings) : base(settings.Run.CoordinatorThreads)
    {
        s = settings.Run;
        specs = settings.Layers;
        reportGoodness = settings.ReportGoodness;
        log = settings.Log;
        var hosts = s.Hosts ?? [new LayerHostRef(Context.ActorOf(LayerHostActor.Props(new LayerHostSettings("local", s.Device, s.LayerDispatcher, s.Hooks,
            LayerDispatchers: s.LayerDispatchers, WorkSharing: s.Runtime.WorkSharing)).WithDispatcher(s.LayerDispatcher), "layers"), "local")];
        placement = new LayerPlacement(hosts, s.LayerNodes, s.ContiguousWork);
        foreach (var h in hosts) Context.Watch(h.Host);
        Become(Idle);
    }

    public static Props Props(KeeperSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new LayerKeeper(settings)).WithDispatcher(dispatcher);

    // ---------------------------------------------------------------- states

    void Idle() => Always();

    void Placing()
    {
        Receive<LayerCreated>(c => c.RunId == s.RunId && c.Generation == generation && c.Layer == placing, c =>
        {
            layers[placing] = c.Actor;
            Context.Watch(c.Actor);
            checkpoints[placing] = null;
            if (--placing >= 0)
            {
                RequestLayer();
                return;
            }
            Context.SetReceiveTimeout(null);
            Context.Parent.Tell(new LayersPlaced(generation, layers), Self);
            Become(Watching);
        });
        Receive<LayerCreated>(_ => { });
        Receive<ReceiveTimeout>(_ => Lost(placing, $"its host {hostOf[placing].NodeName} did not create it within {PlaceTimeout.TotalSeconds:0} s"));
        Always();
    }

    void Watching()
    {
        Receive<GatherLayers>(Gather);
        Always();
    }

    void Gathering()
    {
        Receive<LayerReleased>(r => r.Stamp.Generation == generation && gathered[r.Layer] is null, r =>
        {
            Context.Unwatch(layers[r.Layer]);
            var layer = specs[r.Layer].Create(s.Config.Run.Seed, s.Device);
            LayerCheckpoint.FromBytes(layer, r.Checkpoint);
            gathered[r.Layer] = layer;
            timings[r.Layer] = r.Timings;
            if (++gatheredCount < specs.Count) return;
            Context.Parent.Tell(new LayersGathered(gathered.Select(l => l!).ToArray(), timings.Select(t => t!).ToArray()), Self);
            (layers, gathered, handedOver) = ([], [], true);
            Become(Idle);
        });
        Always();
    }

    /// <summary>Handled in every state: a new placement, the end of the run, failures and losses.</summary>
    void Always()
    {
        Receive<PlaceLayers>(Place);
        Receive<RetireAllLayers>(_ => Retire(int.MaxValue));
        Receive<LayerFailed>(f => f.RunId == s.RunId && f.Generation == generation, f => Lost(f.Layer, f.Reason, f.NonFinite));
        Receive<LayerFailed>(_ => { });
        Receive<LayerHostInfo>(_ => unexplained is { } u && Sender.Equals(u.Host), _ =>
        {
            // The lost layer's host is alive, so the layer alone stopped.
            var u = unexplained!.Value;
            unexplained = null;
            if (u.Generation == generation) Lost(u.Layer, "stopped unexpectedly");
        });
        Receive<Terminated>(OnTerminated);
        Receive<ReceiveTimeout>(_ => { });
        Receive<IDisposable>(m => m.Dispose());
    }

    // ---------------------------------------------------------------- placing

    void Place(PlaceLayers p)
    {
        Retire(p.Generation);
        generation = p.Generation;
        if (s.LayerFactory is { } make)
        {
            layers = make(Context, generation);
            Context.Parent.Tell(new LayersPlaced(generation, layers), Self);
            Become(Watching);
            return;
        }
        int n = specs.Count;
        checkpoints = new byte[]?[n];
        if (p.CheckpointId is not null)
            for (int l = 0; l < n; l++) checkpoints[l] = s.Store!.Read(p.CheckpointId, LayerActor.FileName(l));
        layers = new IActorRef[n];
        hostOf = new LayerHostRef[n];
        placing = n - 1;
        Context.SetReceiveTimeout(PlaceTimeout);
        Become(Placing);
        RequestLayer();
    }

    void RequestLayer()
    {
        var host = hostOf[placing] = placement.HostFor(placing);
        host.Host.Tell(new CreateLayer(s.RunId, generation, specs[placing], s.Config.Run.Seed, s.Config.Train.Epochs, s.Runtime.CreditWindow,
            s.LayerThreads, Context.Parent, placing + 1 < specs.Count ? layers[placing + 1] : null, checkpoints[placing], reportGoodness), Self);
    }

    /// <summary>Stops the layers of generations below <paramref name="below"/> (their hosts stop them; nothing is awaited).</summary>
    void Retire(int below)
    {
        foreach (var l in layers)
            if (l is not null) Context.Unwatch(l);
        layers = [];
        placing = -1;
        unexplained = null;
        Context.SetReceiveTimeout(null);
        Become(Idle);
        foreach (var h in placement.Hosts) h.Host.Tell(new RetireLayers(s.RunId, below), Self);
    }

    // ---------------------------------------------------------------- the end

    void Gather(GatherLayers g)
    {
        gathered = new IFFLayer?[specs.Count];
        timings = new LayerTimings?[specs.Count];
        gatheredCount = 0;
        foreach (var l in layers) l.Tell(new ReleaseLayer(g.Stamp), Self);
        Become(Gathering);
    }

    // ---------------------------------------------------------------- losses

    void Lost(int layer, string reason, bool nonFinite = false)
    {
        unexplained = null;
        Context.SetReceiveTimeout(null);
        Context.Parent.Tell(new LayerLost(generation, layer, reason, placement.Hosts.Count, nonFinite), Self);
    }

    void OnTerminated(Terminated t)
    {
        var actor = t.ActorRef;
        // A node that left or crashed: its hosts are gone for good, whichever of its actors reported first.
        var lostHosts = t.AddressTerminated ? placement.RemoveAt(actor.Path.Address) : placement.Remove(actor);
        if (lostHosts.Count > 0) log.Info($"layer host {string.Join(", ", lostHosts)} is gone; {placement.Hosts.Count} left");
        int layer = Array.IndexOf(layers, actor);
        if (layer >= 0 && !t.AddressTerminated)
        {
            // Its host is already gone (its Terminated, or its node's, came first): nobody would answer the question below.
            if (!placement.Hosts.Any(h => h.Host.Equals(hostOf[layer].Host)))
            {
                Lost(layer, $"its host {hostOf[layer].NodeName} is gone");
                return;
            }
            // Stopped without a failure report: its host may be shutting down too. Ask the host before
            // reporting, so the layers are not re-created on a host that is going away.
            unexplained = (generation, layer, hostOf[layer].Host);
            hostOf[layer].Host.Tell(new DescribeHost(s.RunId), Self);
            return;
        }
        if (layer >= 0)
        {
            Lost(layer, $"its node {actor.Path.Address} left the cluster");
            return;
        }
        if (lostHosts.Count == 0) return;
        if (unexplained is { } u && u.Generation == generation)
            Lost(u.Layer, $"its host {string.Join(", ", lostHosts)} is gone");
        // A host lost while a layer is being created: nothing else would answer.
        else if (placing >= 0 && layers[placing] is null)
            Lost(placing, "its host is gone");
    }

    /// <summary>Layer hosts on other nodes outlive the run: unless every layer was handed over (and so has
    /// stopped), they are told to stop whatever of it is left. The local host is a child and stops with the
    /// keeper. Layers gathered but not handed over are freed.</summary>
    protected override void PostStop()
    {
        foreach (var l in gathered) l?.Dispose();
        if (s.Hosts is null || handedOver) return;
        foreach (var h in placement.Hosts) h.Host.Tell(new RetireLayers(s.RunId, int.MaxValue), Self);
    }
}
