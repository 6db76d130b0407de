using Akka.Configuration;

namespace FFActors.Runtime;

/// <summary>The actor system's HOCON: quiet logging, stopping supervision, and the two dispatchers.</summary>
public static class RuntimeConfig
{
    /// <summary>One dedicated OS thread per actor: the pipeline mode's layers and coordinator.</summary>
    public const string PinnedDispatcher = "ffactors.pinned-dispatcher";

    /// <summary>A pool of exactly one thread shared by every actor: the sequential mode.</summary>
    public const string SequentialDispatcher = "ffactors.sequential-dispatcher";

    /// <summary>
    /// A pool of one thread per core shared by the layer actors: the pipeline mode when there are
    /// more layers than cores. One pinned thread per layer would then oversubscribe the cores and
    /// the OS would time-slice compute threads against each other; the pool keeps exactly one busy
    /// layer per core and hands a core to whichever layer has work.
    /// </summary>
    public const string LayerPoolDispatcher = "ffactors.layer-pool-dispatcher";

    public const string Text = """
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
          layer-pool-dispatcher {
            type = ForkJoinDispatcher
            executor = fork-join-executor
            throughput = 5
            dedicated-thread-pool {
              thread-count = CORES
              threadtype = background
            }
          }
          sequential-dispatcher {
            type = ForkJoinDispatcher
            executor = fork-join-executor
            throughput = 100
            dedicated-thread-pool {
              thread-count = 1
              threadtype = background
            }
          }
        }
        """;

    public static Config Config => For(Environment.ProcessorCount);

    /// <summary>The HOCON with the layer pool sized to <paramref name="cores"/> threads.</summary>
    public static Config For(int cores) => ConfigurationFactory.ParseString(Text.Replace("CORES", Math.Max(1, cores).ToString()));

    /// <summary>The dispatcher the layer actors of a run use.</summary>
    public static string LayerDispatcherFor(ExecutionMode mode, int layers, int cores) =>
        mode == ExecutionMode.Sequential ? SequentialDispatcher
        : layers > cores ? LayerPoolDispatcher
        : PinnedDispatcher;
}
