using Akka.Configuration;
using FFActors.Runtime.Serialization;

namespace FFActors.Runtime.Cluster;

/// <summary>The Akka HOCON of a cluster member: remoting, membership, downing, wire format and frame sizes.</summary>
public static class ClusterHocon
{
    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <param name="frame">Transport frame (and socket buffer) size in bytes: the same on every node.</param>
    public static Config Build(ClusterOptions o, string role, long frame)
    {
        var seeds = string.Join(", ", (o.SeedNodes ?? []).Select(Quote));
        string tls = o.Tls is { Enabled: true } t
            ? $$"""
              enable-ssl = true
              ssl {
                suppress-validation = false
                require-mutual-authentication = true
                certificate { path = {{Quote(t.CertificatePath)}}, password = {{Quote(t.CertificatePassword)}} }
              }
              """
            : "enable-ssl = false";
        var text = $$"""
            akka {
              actor {
                provider = cluster
                serialize-messages = off
              }
              remote {
                log-remote-lifecycle-events = off
                dot-netty.tcp {
                  hostname = {{Quote(o.Host)}}
                  port = {{o.Port}}
                  maximum-frame-size = {{frame}}b
                  send-buffer-size = {{frame}}b
                  receive-buffer-size = {{frame}}b
                  {{tls}}
                }
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = [{{role}}]
                role.{{ClusterOptions.LayerHostRole}}.min-nr-of-members = {{(role == ClusterOptions.CoordinatorRole ? o.MinLayerHosts : 1)}}
                log-info = off
                failure-detector.acceptable-heartbeat-pause = {{o.HeartbeatPause}}s
                # The side with the oldest member (the first layer host) survives; a member alone on its side
                # is downed instead, even the oldest. So a crashed coordinator is downed and its layer hosts stay
                # up for the next one (a --resume), and a crashed layer host is downed while the coordinator
                # re-creates its layers on the others. Keeping the coordinator's side instead (keep-majority
                # on its role) made the layer hosts down themselves whenever the coordinator died.
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  keep-oldest.down-if-alone = on
                  stable-after = {{o.StableAfter}}s
                  down-all-when-unstable = on
                }
              }
              coordinated-shutdown.exit-clr = off
            }
            """;
        return ConfigurationFactory.ParseString(text)
            .WithFallback(WireConfig.Config(o.Precision))
            .WithFallback(RuntimeConfig.Config);
    }
}
