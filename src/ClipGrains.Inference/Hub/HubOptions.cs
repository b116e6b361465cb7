namespace ClipGrains.Inference.Hub;

/// <summary>Where the model hub is and how to talk to it.</summary>
public sealed class HubOptions
{
    /// <summary>The public hub; <c>HF_ENDPOINT</c> overrides it, as in huggingface_hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Base URL; files are fetched from <c>{Endpoint}/{repo}/resolve/{revision}/{path}</c>.</summary>
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Bearer token for gated or private repositories (<c>HF_TOKEN</c>); never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Attempts per file before giving up; each retry resumes where the last one stopped.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Delay before the first retry, doubled after each.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Options from the environment: <c>HF_ENDPOINT</c> and <c>HF_TOKEN</c>.</summary>
    public static HubOptions FromEnvironment() => new()
    {
        Endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT") is { Length: > 0 } endpoint ? endpoint : DefaultEndpoint,
        Token = Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 } token ? token : null,
    };
}
