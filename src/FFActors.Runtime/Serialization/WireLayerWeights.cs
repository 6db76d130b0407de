using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerWeights.</summary>
[MessagePackObject]
public sealed record WireLayerWeights(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] WireTensor Weight,
    [property: Key(3)] WireTensor Bias);
