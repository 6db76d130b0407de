using FFActors.Core.Layers;
using System.Diagnostics;
using Akka.Actor;
using FFActors.Core;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors.Coordinator;

// The run supervisor's dealings with the layers themselves: placing them on hosts, noticing when one
// or its host is gone, retiring a generation, and gathering the trained layers back at the end.
internal sealed partial class RunSupervisor
{
    LayerPlacement? placement;
    LayerHostRef[] layerHosts = [];
    byte[]?[] placingCheckpoints = [];
    int placing;
    (int Generation, int Layer, string Reason, IActorRef Host)? unexplained;

    IFFLayer?[] released = [];
    LayerTimings?[] timings = [];
    int releasedCount;
    bool finishedCompleted;
    double? buildSeconds;

    void StartPlacement()
    {
        var hosts = s.Hosts ?? [new LayerHostRef(Context.ActorOf(LayerHostActor.Props(new LayerHostSettings("local", s.Device, s.LayerDispatcher, s.Hooks,
            LayerDispatchers: s.LayerDispatchers, WorkSharing: s.Runtime.WorkSharing)).WithDispatcher(s.LayerDispatcher), "layers"), "local")];
        placement = new LayerPlacement(hosts, s.LayerNodes, s.ContiguousWork);
        foreach (var h in hosts) Context.Watch(h.Host);
    }

    /// <summary>
    /// Asks the hosts for the layers, last to first (each layer is created knowing its downstream),
    /// loaded from checkpoint <paramref name="checkpointId"/> or fresh from the seed. The same exchange
    /// places layers on the local host and on remote ones.
    /// </summary>
    void PlaceLayers(string? checkpointId)
    {
        if (s.LayerFactory is not null)
        {
            layers = s.LayerFactory(Context, generation);
            Placed();
            return;
        }
        placingCheckpoints = new byte[]?[layerCount];
        if (checkpointId is not null)
            for (int l = 0; l < layerCount; l++) placingCheckpoints[l] = s.Store!.Read(checkpointId, LayerActor.FileName(l));
        layers = new IActorRef[layerCount];
        layerHosts = new LayerHostRef[layerCount];
        placing = layerCount - 1;
        Become(Placing);
        RequestLayer();
    }

    void Placing()
    {
        Receive<LayerCreated>(c => c.RunId == s.RunId && c.Generation == generation && c.Layer == placing, c =>
        {
            layers[placing] = c.Actor;
            Context.Watch(c.Actor);
            placingCheckpoints[placing] = null;
            if (--placing >= 0) RequestLayer();
            else Placed();
        });
        Receive<LayerCreated>(_ => { });
        Running();
    }

    void RequestLayer()
    {
        var host = layerHosts[placing] = placement!.HostFor(placing);
        host.Host.Tell(new CreateLayer(s.RunId, generation, layerOptions[placing], config.Run.Seed, epochs, s.Runtime.CreditWindow, s.LayerThreads, Self,
            placing + 1 < layerCount ? layers[placing + 1] : null, placingCheckpoints[placing], staleMode), Self);
    }

    /// <summary>Stops this generation's layers (their hosts stop them; nothing of theirs is awaited).</summary>
    void RetireLayers(int below = -1)
    {
        foreach (var l in layers)
            if (l is not null) Context.Unwatch(l);
        layers = [];
        if (s.LayerFactory is not null) return;
        foreach (var h in placement!.Hosts) h.Host.Tell(new RetireLayers(s.RunId, below < 0 ? generation : below), Self);
    }

    void OnTerminated(Terminated t)
    {
        var actor = t.ActorRef;
        if (IsPart(actor))
        {
            var cause = lastFailure is ActorInitializationException { InnerException: { } inner } ? inner : lastFailure;
            Fail(cause ?? new InvalidOperationException($"the coordinator's {actor.Path.Name} stopped"));
            return;
        }
        // A node that left or crashed: its hosts are gone for good, whichever of its actors reported first.
        var lostHosts = t.AddressTerminated ? placement!.RemoveAt(actor.Path.Address) : placement!.Remove(actor);
        if (lostHosts.Count > 0) log.Info($"layer host {string.Join(", ", lostHosts)} is gone; {placement.Hosts.Count} left");
        int layer = Array.IndexOf(layers, actor);
        if (layer >= 0 && !t.AddressTerminated && s.LayerFactory is null && layer < layerHosts.Length)
        {
            // Stopped without a failure report: its host may be shutting down too. Ask the host before
            // restoring, so the layers are not re-created on a host that is going away.
            unexplained = (generation, layer, "stopped unexpectedly", layerHosts[layer].Host);
            layerHosts[layer].Host.Tell(new DescribeHost(s.RunId), Self);
            return;
        }
        if (layer >= 0)
        {
            OnLayerLost(layer, t.AddressTerminated ? $"its node {actor.Path.Address} left the cluster" : "stopped unexpectedly");
            return;
        }
        if (lostHosts.Count > 0 && unexplained is { } u && u.Generation == generation)
        {
            unexplained = null;
            OnLayerLost(u.Layer, $"its host {string.Join(", ", lostHosts)} is gone");
            return;
        }
        // A host lost while its layers are being created: nothing else would answer.
        if (lostHosts.Count > 0 && placing >= 0 && layers.Length > placing && layers[placing] is null) OnLayerLost(placing, "its host is gone");
    }

    // ---------------------------------------------------------------- the end

    void Finish(bool completed)
    {
        finishedCompleted = completed;
        released = new IFFLayer?[layerCount];
        timings = new LayerTimings?[layerCount];
        releasedCount = 0;
        buildSeconds = null;
        feeder.Tell(new ReportBuildTime(), Self);
        foreach (var l in layers)
        {
            Context.Unwatch(l);
            l.Tell(new ReleaseLayer(StampFor(epoch, 0)), Self);
        }
        Become(Releasing);
    }

    void Releasing()
    {
        Receive<LayerReleased>(r => r.Stamp.Generation == generation && released[r.Layer] is null, r =>
        {
            var trainer = layerOptions[r.Layer].Create(config.Run.Seed, s.Device);
            LayerCheckpoint.FromBytes(trainer, r.Checkpoint);
            released[r.Layer] = trainer;
            timings[r.Layer] = r.Timings;
            releasedCount++;
            CompleteIfReleased();
        });
        Receive<BuildTime>(b =>
        {
            buildSeconds = b.Seconds;
            CompleteIfReleased();
        });
        Receive<PartFailed>(m => Fail(m.Cause));
        Finished();
    }

    void CompleteIfReleased()
    {
        if (releasedCount < layerCount || buildSeconds is null) return;
        done = true;
        Become(Finished);
        trainWatch.Stop();
        var net = new FFNetwork(released.Select(t => t!).ToArray());
        string[] lines;
        lock (s.Log) lines = s.Log.ToArray();
        var result = new PipelineResult(metrics.ToArray(), net, finishedCompleted, lines) { Evaluation = evaluation };
        s.Done.TrySetResult(new RunOutcome(result, timings.Select(t => t!).ToArray(), buildSeconds.Value, trainWatch.Elapsed.TotalSeconds));
    }
}
