using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of FeatureBatch.</summary>
[MessagePackObject]
public sealed record WireFeatureBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] WireTensor Input,
    [property: Key(2)] int Deepest,
    [property: Key(3)] long ReportMask);
