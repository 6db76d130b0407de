using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of DescribeHost.</summary>
[MessagePackObject]
public sealed record WireDescribeHost(
    [property: Key(0)] string RunId);
