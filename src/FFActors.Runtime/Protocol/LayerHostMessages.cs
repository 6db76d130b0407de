using Akka.Actor;
using FFActors.Core.Layers;

namespace FFActors.Runtime.Protocol;

// Messages between the coordinator and the LayerHost actors that create the layer actors, on this
// node or on another one. Layers are always created by a host from plain data (never from a closure),
// so placing a layer locally and remotely is the same exchange.

/// <summary>
/// Create layer <c>Options.Index</c> of generation <paramref name="Generation"/>: fresh from
/// <paramref name="Seed"/>, or loaded from <paramref name="Checkpoint"/> (<c>LayerCheckpoint</c> bytes).
/// <paramref name="Downstream"/> is the next layer (null for the last). Answered by <see cref="LayerCreated"/>.
/// </summary>
public sealed record CreateLayer(
    string RunId,
    int Generation,
    LayerSpec Options,
    long Seed,
    int Epochs,
    int CreditWindow,
    int Threads,
    IActorRef Coordinator,
    IActorRef? Downstream,
    byte[]? Checkpoint,
    bool ReportGoodness) : IWireMessage;

public sealed record LayerCreated(string RunId, int Generation, int Layer, IActorRef Actor) : IWireMessage;

/// <summary>A layer failed and its host stopped it (never restarted); sent to the coordinator that created it.</summary>
/// <param name="NonFinite">The layer's loss or goodness was NaN or infinite: repeated after restores, the run diverged.</param>
public sealed record LayerFailed(string RunId, int Generation, int Layer, string Reason, bool NonFinite = false) : IWireMessage;

/// <summary>Stop every layer of run <paramref name="RunId"/> whose generation is below <paramref name="BelowGeneration"/>.</summary>
public sealed record RetireLayers(string RunId, int BelowGeneration) : IWireMessage;

/// <summary>Who are you: answered by <see cref="LayerHostInfo"/>.</summary>
public sealed record DescribeHost(string RunId) : IWireMessage;

/// <summary>A layer host's node name (what the explicit placement map refers to) and its transport frame limit.</summary>
public sealed record LayerHostInfo(string NodeName, long MaximumFrameSize) : IWireMessage;
