using static TorchSharp.torch;

namespace FFActors.Runtime.Protocol;

// Synchronous iterations of a kind whose layers hear the layer above (LayerSpec.TopDown): after the bottom-up pass,
// which travels as the work item itself (TrainBatch, ScoreBatch), each layer sends its state at every iteration up to the
// layer above and its top-down activity down to the layer below. Both directions are credited like the work items:
// each message takes a credit of its sender's window in that direction, and the receiver credits it once it has used it.

/// <summary>
/// What layer <paramref name="Layer"/> sends a neighbour after iteration <paramref name="Iteration"/> of the work item
/// <paramref name="Stamp"/> (for a scoring pass, of its label <paramref name="Pass"/>; <see cref="Training"/> for a
/// training batch, <see cref="Features"/> for a feature batch). Sent up (to layer + 1): its output at that iteration, for the positives and the negatives. Sent down (to
/// layer − 1): its top-down activity (<c>IFFLayer.Publish</c> of <c>SignalNames.TopDown</c>). A scoring pass has one
/// stream: <paramref name="Negative"/> is null. The receiver owns the tensors.
/// </summary>
public sealed record NeighbourState(Stamp Stamp, int Pass, int Iteration, int Layer, Tensor Positive, Tensor? Negative) : IWireMessage, IDisposable
{
    /// <summary>The <see cref="Pass"/> of a training batch (scoring passes carry their label, 0 … classes − 1).</summary>
    public const int Training = -2;

    /// <summary>The <see cref="Pass"/> of a softmax-head feature batch.</summary>
    public const int Features = -3;

    public void Dispose()
    {
        Positive.Dispose();
        Negative?.Dispose();
    }
}
