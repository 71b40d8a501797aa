using System.Diagnostics;
using Sluice.Errors;

namespace Sluice.Traffic.Instances;

/// <summary>
/// One running instance of a service, started as a child process and waited for until its ready path answers 2xx.
/// <see cref="Kill"/> ends it at once (SIGKILL: no graceful shutdown), as a crashed instance would end; disposing
/// kills it too. A process that exits or stays unready past its timeout fails with SLU179, naming the command, the
/// address and the last lines it printed.
/// </summary>
public sealed class ServiceInstance : IAsyncDisposable
{
    private const string Listening = "Now listening on: ";
    private const int LinesKept = 40;

    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceInstance(ServiceStart start, Process process)
    {
        Start = start;
        _process = process;
    }

    public ServiceStart Start { get; }

    /// <summary>The instance's base address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    /// <summary>What it printed last, for messages.</summary>
    public string Output
    {
        get
        {
            lock (_lastLines) return string.Join(Environment.NewLine, _lastLines);
        }
    }

    public static async Task<ServiceInstance> StartAsync(ServiceStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var info = new ProcessStartInfo(start.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in start.Arguments) info.ArgumentList.Add(argument);
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // ASP.NET Core logs every request at Information when no appsettings say otherwise: noise that costs the
        // instance time under load and pushes its start-up lines out of the ones kept for messages.
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (name, value) in start.Environment) info.Environment[name] = value;

        var process = new Process { StartInfo = info };
        var instance = new ServiceInstance(start, process);
        process.OutputDataReceived += (_, e) => instance.Read(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Read(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => instance._address.TrySetException(instance.NotReady("exited before it listened", null));
        if (!process.Start()) throw instance.NotReady("did not start", null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await instance.WaitReadyAsync(cancellationToken);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
        return instance;
    }

    /// <summary>Ends the process now, without a graceful shutdown, and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Start.ReadyTimeout);
        try
        {
            Address = await _address.Task.WaitAsync(timeout.Token);
            var ready = new ReadinessProbe(new Uri(Address, Start.ReadyPath));
            if (!await ready.WaitAsync(() => _process.HasExited, timeout.Token))
                throw NotReady($"exited (code {_process.ExitCode}) before {ready.Address} answered", null);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw NotReady($"was not ready within {Start.ReadyTimeout.TotalSeconds:0} s{(Address is null ? "" : $" at {new Uri(Address, Start.ReadyPath)}")}", e);
        }
    }

    private void Read(string? line)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > LinesKept) _lastLines.Dequeue();
        }
        var at = line.IndexOf(Listening, StringComparison.Ordinal);
        if (at >= 0 && Uri.TryCreate(line[(at + Listening.Length)..].Trim(), UriKind.Absolute, out var address))
            _address.TrySetResult(address);
    }

    private SluiceException NotReady(string what, Exception? inner) => new(ErrorKind.Failure, ErrorCodes.InstanceNotReady,
        $"service instance {Start.Name} ({Start.FileName} {string.Join(' ', Start.Arguments)}) {what}; it printed:{Environment.NewLine}{Output}",
        "run the command by hand with the same environment to see why it does not start", inner: inner);
}
