using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors;

/// <summary>A layer failed on a batch (thrown inside the actor; its supervisor stops it).</summary>
public sealed class LayerFaultException(int layer, Stamp stamp, string problem, Exception? inner = null)
    : Exception($"layer {layer} at epoch {stamp.Epoch + 1} batch {stamp.Batch}: {problem}", inner)
{
    public int Layer { get; } = layer;
    public Stamp Stamp { get; } = stamp;
}
