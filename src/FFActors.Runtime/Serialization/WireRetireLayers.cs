using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of RetireLayers.</summary>
[MessagePackObject]
public sealed record WireRetireLayers(
    [property: Key(0)] string RunId,
    [property: Key(1)] int BelowGeneration);
