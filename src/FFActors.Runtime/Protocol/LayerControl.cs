using FFActors.Core.Layers;
using static TorchSharp.torch;

namespace FFActors.Runtime.Protocol;

// Requests to a layer outside the work chain (answered to the sender): checkpoint parts, weight copies
// for the model view and diagnostics, the hand-over at the end; and the run's stop request.

/// <summary>Save weights, optimizer state and running mean as part of checkpoint <paramref name="CheckpointId"/>.</summary>
public sealed record SaveCheckpoint(Stamp Stamp, string CheckpointId) : IWireMessage;

/// <summary>The layer's part of checkpoint <paramref name="CheckpointId"/> (<see cref="LayerCheckpoint"/> bytes); the coordinator stores it,
/// so layers need no access to the checkpoint store wherever they run.</summary>
public sealed record CheckpointSaved(Stamp Stamp, int Layer, string CheckpointId, byte[] Data) : IWireMessage;

/// <summary>Model view and diagnostics: send copies of the layer's current module state to the coordinator (sent only while the pipeline is drained).</summary>
public sealed record ReadWeights(Stamp Stamp) : IWireMessage;

/// <summary>Copies of a layer's module state (parameters and buffers by name: a dense layer's weight [H, F] and bias [H]),
/// now owned by the receiver.</summary>
public sealed record LayerWeights(Stamp Stamp, int Layer, IReadOnlyDictionary<string, Tensor> State) : IWireMessage, IDisposable
{
    public void Dispose()
    {
        foreach (var t in State.Values) t.Dispose();
    }
}

/// <summary>Hand the layer's trainer over to the coordinator (training is over) and stop.</summary>
public sealed record ReleaseLayer(Stamp Stamp) : IWireMessage;

/// <summary>The trained layer as <see cref="LayerCheckpoint"/> bytes (a trainer cannot cross the wire; bytes can), and the layer's time accounting.</summary>
public sealed record LayerReleased(Stamp Stamp, int Layer, byte[] Checkpoint, LayerTimings Timings) : IWireMessage;

/// <summary>Where a layer actor's time went (for the benchmark).</summary>
/// <param name="ComputeSeconds">Time inside IFFLayer calls (forward, step).</param>
/// <param name="HandlerSeconds">Time inside message handlers (compute + tensor hand-off + sends).</param>
/// <param name="Items">Work items processed.</param>
/// <param name="MaxQueued">Most work items waiting at once (received, not yet processed).</param>
/// <param name="MaxInFlight">Most items sent downstream and not yet credited.</param>
/// <param name="ChunksShared">Matmul chunks of this layer that actors on other threads ran (work sharing).</param>
/// <param name="ChunksHelped">Chunks of other layers this actor ran for them.</param>
public sealed record LayerTimings(int Layer, double ComputeSeconds, double HandlerSeconds, long Items, int MaxQueued, int MaxInFlight,
    long ChunksShared = 0, long ChunksHelped = 0);

/// <summary>Ask the coordinator to stop at the next batch boundary, checkpoint and finish (Completed = false).</summary>
public sealed record StopTraining(Stamp Stamp) : IWireMessage;
