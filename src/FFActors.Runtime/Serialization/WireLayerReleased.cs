using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerReleased.</summary>
[MessagePackObject]
public sealed record WireLayerReleased(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] byte[] Checkpoint,
    [property: Key(3)] WireLayerTimings Timings);
