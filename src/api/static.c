/* The web UI's static files, served from web/ with caching headers. Paths
 * that are not files fall back to index.html so the single-page app can
 * route on the client. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"

static const char *mime(const char *path)
{
    const char *dot = strrchr(path, '.');
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},
        {".ico", "image/x-icon"},              {".woff2", "font/woff2"},
        {".map", "application/json"},
    };
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static int read_file(const char *path, buf_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    buf_reserve(out, (size_t)st.st_size);
    ssize_t n;
    while ((n = read(fd, out->p + out->len, out->cap - out->len - 1)) > 0) {
        out->len += (size_t)n;
        if (out->cap - out->len - 1 == 0)
            buf_reserve(out, 4096);
    }
    close(fd);
    out->p[out->len] = 0;
    return 0;
}

int api_static(http_req_t *req, http_resp_t *resp)
{
    const char *dir = api_app(req)->web_dir;
    const char *path = req->path;
    if (!dir || strstr(path, "..") || strlen(path) > 200)
        return 1;
    /* only the pages and their assets: not the npm tree, lock files or notes */
    const char *base = strrchr(path, '/');
    if (strstr(path, "/node_modules") || strstr(path, "/.") || strstr(path, "package") ||
        (base && strchr(base, '.') && strcmp(mime(path), "application/octet-stream") == 0))
        return 1;
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    char full[512];
    snprintf(full, sizeof full, "%s%s", dir, path);
    const char *last = strrchr(path, '/');
    bool asset = last && strchr(last, '.');
    if (read_file(full, &resp->body)) {
        if (asset)
            return 1; /* a missing file is a 404, not the app */
        snprintf(full, sizeof full, "%s/index.html", dir);
        if (read_file(full, &resp->body))
            return 1;
        path = "/index.html";
    }
    resp->status = 200;
    resp->content_type = mime(path);
    /* vendor libraries never change under the same name; pages and app code
     * are revalidated so a deploy shows at once */
    if (strncmp(path, "/vendor/", 8) == 0)
        http_add_header(resp, "Cache-Control", "public, max-age=86400");
    else
        http_add_header(resp, "Cache-Control", "no-cache");
    http_add_header(resp, "X-Frame-Options", "DENY");
    return 0;
}
