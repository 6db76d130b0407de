using Akka.Actor;
using FFActors.Core.Layers;
using FFActors.Runtime.WorkSharing;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>Everything a layer actor is built from.</summary>
/// <param name="Downstream">The next layer, or null for the last one.</param>
/// <param name="Checkpoint">LayerCheckpoint bytes to load the layer from; null = fresh weights from the seed.</param>
/// <param name="ReportGoodness">Send per-sample goodness with every step report (the stale γ exchange needs it).</param>
/// <param name="Sharing">The host's layers of this run generation by thread, for work sharing; null = run every chunk alone.</param>
/// <param name="Lane">The thread this actor runs on (its dispatcher, or the actor itself for a pinned one).</param>
internal sealed record LayerActorSettings(
    string RunId,
    int Generation,
    LayerSpec Options,
    long Seed,
    Device Device,
    int Epochs,
    int CreditWindow,
    int Threads,
    IActorRef Coordinator,
    IActorRef? Downstream,
    byte[]? Checkpoint,
    bool ReportGoodness,
    RuntimeHooks? Hooks,
    LaneGroup? Sharing = null,
    string Lane = "");
