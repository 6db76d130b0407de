using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of ProbeBatch.</summary>
[MessagePackObject]
public sealed record WireProbeBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] WireTensor Positive,
    [property: Key(2)] WireTensor Negative);
