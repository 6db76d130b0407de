using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerCreated.</summary>
[MessagePackObject]
public sealed record WireLayerCreated(
    [property: Key(0)] string RunId,
    [property: Key(1)] int Generation,
    [property: Key(2)] int Layer,
    [property: Key(3)] string Actor);
