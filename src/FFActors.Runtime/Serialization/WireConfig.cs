using Akka.Configuration;

namespace FFActors.Runtime.Serialization;

/// <summary>The HOCON that binds <see cref="Protocol.IWireMessage"/> to <see cref="WireSerializer"/>, identical on every node.</summary>
public static class WireConfig
{
    public static string Text(WirePrecision precision = WirePrecision.Float32) => $$"""
        akka.actor {
          serializers { ffactors-wire = "FFActors.Runtime.Serialization.WireSerializer, FFActors.Runtime" }
          serialization-bindings { "FFActors.Runtime.Protocol.IWireMessage, FFActors.Runtime" = ffactors-wire }
        }
        ffactors.wire.activation-precision = {{Name(precision)}}
        """;

    public static Config Config(WirePrecision precision = WirePrecision.Float32) => ConfigurationFactory.ParseString(Text(precision));

    public static string Name(WirePrecision p) => p switch
    {
        WirePrecision.Float16 => "float16",
        WirePrecision.BFloat16 => "bfloat16",
        _ => "float32",
    };
}
