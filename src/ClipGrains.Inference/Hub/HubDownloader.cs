using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ClipGrains.Inference.Model;
using Polly;
using Polly.Retry;

namespace ClipGrains.Inference.Hub;

/// <summary>
/// Downloads the files of a CLIP model repository from a Hugging Face-compatible hub into a cache folder.
/// Each file is written to <c>*.incomplete</c> and moved into place only when whole, so the cache never
/// holds a partial file under its real name; an interrupted download resumes with an HTTP range request.
/// </summary>
public sealed partial class HubDownloader(HttpClient http, HubOptions options)
{
    private const string Incomplete = ".incomplete";

    /// <summary>The cache folder for a repository and revision: <c>{cache}/models--{owner}--{name}/{revision}</c>.</summary>
    public static string CacheFolder(string cacheDirectory, string repoId, string revision)
    {
        ValidateRepoId(repoId);
        ValidateRevision(revision);
        return Path.Combine(cacheDirectory, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal), revision);
    }

    /// <summary>Whether <paramref name="value"/> has the form of a hub repository id (<c>owner/name</c>).</summary>
    public static bool IsRepoId(string value) => RepoIdPattern().IsMatch(value ?? string.Empty) && !value!.Contains("..", StringComparison.Ordinal);

    /// <summary>
    /// Makes sure the model files for <paramref name="variant"/> are in the cache and returns the folder.
    /// Files already present are not fetched again.
    /// </summary>
    public async Task<string> EnsureModelAsync(
        string repoId, string revision, string variant, string cacheDirectory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var folder = CacheFolder(cacheDirectory, repoId, revision);
        string[] required = ["config.json", "preprocessor_config.json", ModelBundle.VisionModelFile(variant), ModelBundle.TextModelFile(variant)];
        foreach (var file in required)
        {
            await EnsureFileAsync(repoId, revision, file, folder, progress, cancellationToken);
        }

        // tokenizer.json is the current layout; older repositories have only vocab.json + merges.txt.
        if (!await EnsureFileAsync(repoId, revision, "tokenizer.json", folder, progress, cancellationToken, optional: true))
        {
            await EnsureFileAsync(repoId, revision, "vocab.json", folder, progress, cancellationToken);
            await EnsureFileAsync(repoId, revision, "merges.txt", folder, progress, cancellationToken);
        }

        return folder;
    }

    /// <summary>The URL of a file: <c>{endpoint}/{repo}/resolve/{revision}/{path}</c>.</summary>
    public Uri FileUri(string repoId, string revision, string file) =>
        new($"{options.Endpoint.TrimEnd('/')}/{repoId}/resolve/{Uri.EscapeDataString(revision)}/{file}");

    private async Task<bool> EnsureFileAsync(
        string repoId, string revision, string file, string folder, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken, bool optional = false)
    {
        var target = Path.Combine(folder, file);
        if (File.Exists(target))
        {
            return true;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var uri = FileUri(repoId, revision, file);
        var pipeline = RetryPipeline(cancellationToken);
        var found = await pipeline.ExecuteAsync(
            async token => await DownloadAsync(uri, file, target + Incomplete, progress, optional, token), cancellationToken);
        if (found)
        {
            File.Move(target + Incomplete, target, overwrite: true);
        }

        return found;
    }

    private ResiliencePipeline<bool> RetryPipeline(CancellationToken cancellationToken)
    {
        var builder = new ResiliencePipelineBuilder<bool>();
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<bool>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                ShouldHandle = new PredicateBuilder<bool>().Handle<HttpRequestException>(IsTransient).Handle<IOException>()
                    .Handle<TaskCanceledException>(_ => !cancellationToken.IsCancellationRequested),
            });
        }

        return builder.Build();
    }

    private async Task<bool> DownloadAsync(
        Uri uri, string file, string partial, IProgress<DownloadProgress>? progress, bool optional, CancellationToken cancellationToken)
    {
        var existing = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (options.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }

        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The partial file is not a prefix of what the server has now (or is already whole but unverifiable): restart.
            File.Delete(partial);
            throw new IOException($"{uri}: resume refused, restarting the download.");
        }

        if (response.StatusCode == HttpStatusCode.NotFound && optional)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw Failure(uri, response.StatusCode);
        }

        var resumed = response.StatusCode == HttpStatusCode.PartialContent;
        var offset = resumed ? existing : 0;
        var total = response.Content.Headers.ContentRange?.Length
            ?? (response.Content.Headers.ContentLength is long length ? length + offset : null);
        await using (var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        await using (var input = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            var buffer = new byte[1 << 16];
            var received = offset;
            progress?.Report(new DownloadProgress(file, received, total));
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                received += read;
                progress?.Report(new DownloadProgress(file, received, total));
            }
        }

        var size = new FileInfo(partial).Length;
        if (total is long expected && size != expected)
        {
            throw new IOException($"{uri}: received {size} of {expected} bytes.");
        }

        return true;
    }

    private static bool IsTransient(HttpRequestException e) =>
        e.StatusCode is null or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;

    private static HttpRequestException Failure(Uri uri, HttpStatusCode status)
    {
        var hint = status switch
        {
            HttpStatusCode.NotFound => "the repository, revision or file does not exist",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => "access denied; set HF_TOKEN for a gated or private repository",
            _ => "the hub refused the request",
        };
        return new HttpRequestException($"{uri}: HTTP {(int)status} {status}: {hint}.", null, status);
    }

    private static void ValidateRepoId(string repoId)
    {
        if (!IsRepoId(repoId))
        {
            throw new ArgumentException($"\"{repoId}\" is not a hub repository id of the form owner/name.", nameof(repoId));
        }
    }

    private static void ValidateRevision(string revision)
    {
        if (string.IsNullOrEmpty(revision) || revision.Contains("..", StringComparison.Ordinal)
            || revision.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArgumentException($"\"{revision}\" is not a usable revision (a branch, tag or commit without '/' or '..').", nameof(revision));
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    private static partial Regex RepoIdPattern();
}
