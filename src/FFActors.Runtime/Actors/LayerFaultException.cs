using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors;

/// <summary>A layer failed on a batch (thrown inside the actor; its supervisor stops it).</summary>
/// <param name="nonFinite">The layer's loss or goodness was NaN or infinite (what, repeated after restores, is divergence).</param>
public sealed class LayerFaultException(int layer, Stamp stamp, string problem, Exception? inner = null, bool nonFinite = false)
    : Exception($"layer {layer} at epoch {stamp.Epoch + 1} batch {stamp.Batch}: {problem}", inner)
{
    public int Layer { get; } = layer;
    public Stamp Stamp { get; } = stamp;
    public bool NonFinite { get; } = nonFinite;
}
