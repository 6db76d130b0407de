using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerStepped; Stats = loss, goodness+, goodness−, separation, dead units.</summary>
[MessagePackObject]
public sealed record WireLayerStepped(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] double[] Stats,
    [property: Key(3)] WireTensor? GoodPositive,
    [property: Key(4)] WireTensor? GoodNegative);
