using System.Diagnostics;
using System.Globalization;

namespace FFActors.Cli.Output;

/// <summary>
/// <c>run.lock</c> in a run folder, held for the life of a run or a resume: created exclusively (O_EXCL), it names the
/// holder's pid, host and start time. A second process on the folder is refused naming the holder; a lock whose
/// process has ended (kill -9, power loss) is taken over, with a line saying so.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";
    readonly string path;
    readonly string content;
    bool released;

    RunLock(string path, string content) => (this.path, this.content) = (path, content);

    /// <summary>Takes the lock of <paramref name="runDir"/>, or throws <see cref="RunFolderException"/> naming the live holder.</summary>
    /// <param name="say">Where the line about a stale lock taken over goes.</param>
    public static RunLock Acquire(string runDir, Action<string> say)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (TryCreate(runDir) is { } held) return held;
            var path = Path.Combine(runDir, FileName);
            var holder = Holder.Read(path);
            if (holder is null && attempt < 3)
            {
                Thread.Sleep(100); // created this instant, not written yet (or released)
                continue;
            }
            if (holder is not null && holder.Alive())
                throw new RunFolderException($"{runDir}: in use by process {holder.Pid}{(holder.Host == Environment.MachineName ? "" : $" on {holder.Host}")} " +
                    $"({path}); wait for it to finish or stop it");
            if (attempt >= 6) throw new RunFolderException($"{runDir}: cannot take over {path} (other processes keep taking it)");
            // Moved aside before deletion so that of two processes taking over at once only one removes the stale file.
            var aside = $"{path}.stale.{Environment.ProcessId}";
            try
            {
                File.Move(path, aside);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            var moved = Holder.Read(aside);
            if (holder is not null && moved != holder)
            {
                // Another process took it over between our read and the move: put its live lock back.
                try { File.Move(aside, path); } catch (IOException) { }
                continue;
            }
            File.Delete(aside);
            say(holder is null
                ? $"{runDir}: removed an unreadable {FileName}"
                : $"{runDir}: taking over the stale lock of process {holder.Pid} (started {holder.Started:u}, no longer running)");
        }
    }

    /// <summary>The lock when <paramref name="runDir"/> has none yet; null when another process holds (or just took) it.</summary>
    public static RunLock? TryCreate(string runDir)
    {
        var path = Path.Combine(runDir, FileName);
        var content = Holder.Self().Render();
        try
        {
            using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            using var w = new StreamWriter(f);
            w.Write(content);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
        return new RunLock(path, content);
    }

    public void Dispose()
    {
        if (released) return;
        released = true;
        try
        {
            // Only our own lock: never one a later process took over (it would have had to think us dead).
            if (File.Exists(path) && File.ReadAllText(path) == content) File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    sealed record Holder(int Pid, string Host, DateTime Started)
    {
        public static Holder Self()
        {
            using var me = Process.GetCurrentProcess();
            return new Holder(Environment.ProcessId, Environment.MachineName, me.StartTime.ToUniversalTime());
        }

        public string Render() => string.Create(CultureInfo.InvariantCulture, $"pid={Pid}\nhost={Host}\nstarted={Started:O}\n");

        public static Holder? Read(string path)
        {
            try
            {
                var kv = File.ReadAllLines(path).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
                if (!kv.TryGetValue("pid", out var pid) || !int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id)) return null;
                var started = kv.TryGetValue("started", out var s) && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : DateTime.MinValue;
                return new Holder(id, kv.GetValueOrDefault("host", ""), started);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>
        /// Whether the holder still runs. On another host that cannot be known, so it counts as alive. A live process
        /// with the holder's pid but another start time is a reused pid: the holder is gone.
        /// </summary>
        public bool Alive()
        {
            if (Host != Environment.MachineName) return true;
            try
            {
                using var p = Process.GetProcessById(Pid);
                if (p.HasExited) return false;
                return Started == DateTime.MinValue || Math.Abs((p.StartTime.ToUniversalTime() - Started).TotalSeconds) < 2;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }
}
