using Akka.Configuration;

namespace FFActors.Runtime;

/// <summary>The actor system's HOCON: quiet logging, stopping supervision, and the two dispatchers.</summary>
public static class RuntimeConfig
{
    /// <summary>One dedicated OS thread per actor: the pipeline mode's layers and coordinator.</summary>
    public const string PinnedDispatcher = "ffactors.pinned-dispatcher";

    /// <summary>A pool of exactly one thread shared by every actor: the sequential mode.</summary>
    public const string SequentialDispatcher = "ffactors.sequential-dispatcher";

    /// <summary>A dispatcher with exactly one dedicated thread: the sequential mode's, and each pipeline lane's.</summary>
    const string OneThread = "{ type = ForkJoinDispatcher, executor = fork-join-executor, throughput = 100, dedicated-thread-pool { thread-count = 1, threadtype = background } }";

    public const string Text = $$"""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-config-on-start = off
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor {
            # A failing top-level actor (the coordinator) is stopped, never restarted with fresh state.
            guardian-supervisor-strategy = "Akka.Actor.StoppingSupervisorStrategy"
          }
          coordinated-shutdown {
            # The CLI turns Ctrl-C into a cancellation: the coordinator stops at a batch boundary,
            # checkpoints, and only then is the actor system shut down.
            run-by-clr-shutdown-hook = off
          }
        }
        ffactors {
          pinned-dispatcher {
            type = PinnedDispatcher
            executor = fork-join-executor
            throughput = 100
          }
          sequential-dispatcher = {{OneThread}}
        }
        """;

    public static Config Config => ConfigurationFactory.ParseString(Text);

    /// <summary>The dispatcher of pipeline lane <paramref name="lane"/>: one dedicated thread shared by the lane's layers.</summary>
    public static string LaneDispatcher(int lane) => $"ffactors.lane-{lane}";

    /// <summary>The actor system's HOCON with <paramref name="lanes"/> lane dispatchers.</summary>
    public static Config WithLanes(int lanes)
    {
        var text = new System.Text.StringBuilder(Text);
        for (int k = 0; k < lanes; k++) text.Append($"\n{LaneDispatcher(k)} = {OneThread}");
        return ConfigurationFactory.ParseString(text.ToString());
    }
}
