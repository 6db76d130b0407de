using Akka.Actor;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>A layer failed on a batch (thrown inside the actor; its supervisor stops it).</summary>
public sealed class LayerFaultException(int layer, Stamp stamp, string problem, Exception? inner = null)
    : Exception($"layer {layer} at epoch {stamp.Epoch + 1} batch {stamp.Batch}: {problem}", inner)
{
    public int Layer { get; } = layer;
    public Stamp Stamp { get; } = stamp;
}
