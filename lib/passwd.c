/* Names to ids for --run-as, from the texts of /etc/passwd and /etc/group
 * of the command's own root (not the host's: a container's www-data is not
 * the host's). Read as gosu (runc's libcontainer/user) and su-exec read
 * them: "name:password:id:..." lines, a numeric USER or GROUP needing no
 * entry. No NSS: a static binary in a scratch image has none, and the files
 * are what such an image has. */
#include "lib/passwd.h"

#include "lib/fmt.h"

#include <stdarg.h>
#include <string.h>

static int fail(char *err, size_t len, const char *format, ...) PRINTF_LIKE(3, 4);

/* One line into err; returns -1. */
static int fail(char *err, size_t len, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	fmt_v(err, len, format, ap);
	va_end(ap);
	return -1;
}

/* Field `n` (0-based) of the colon-separated line at s, as a pointer and a
 * length; false if the line has fewer fields. */
static bool field(const char *s, int n, const char **f, size_t *len)
{
	for (; n > 0; n--) {
		s += strcspn(s, ":\n");
		if (*s != ':')
			return false;
		s++;
	}
	*f = s;
	*len = strcspn(s, ":\n");
	return true;
}

/* A decimal id: digits only, below 4294967295 (the kernel's "no id"). */
static bool number(const char *s, size_t len, unsigned *id)
{
	unsigned long v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v >= 4294967295UL)
		return false;
	*id = (unsigned)v;
	return true;
}

static bool equals(const char *f, size_t len, const char *s, size_t slen)
{
	return len == slen && memcmp(f, s, len) == 0;
}

/* The line of text (NULL: none) whose name (field 0) is key, or, when key
 * is a number, whose id (field 2) is; its id in *id. A line without a
 * numeric id is no entry, as for getpwnam. NULL if there is none. */
static const char *lookup(const char *text, const char *key, size_t key_len, unsigned *id)
{
	unsigned want = 0, v;
	bool by_id = number(key, key_len, &want);

	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		const char *f;
		size_t len;

		/* A comment, as glibc's files backend skips it. */
		if (*s == '#' || !field(s, 2, &f, &len) || !number(f, len, &v))
			continue;
		if (by_id ? v == want : field(s, 0, &f, &len) && equals(f, len, key, key_len)) {
			*id = v;
			return s;
		}
	}
	return NULL;
}

/* A field copied into out (cap bytes); false if it does not fit. */
static bool copy(const char *line, int n, char *out, size_t cap)
{
	const char *f;
	size_t len;

	if (!field(line, n, &f, &len) || len >= cap)
		return false;
	memcpy(out, f, len);
	out[len] = '\0';
	return true;
}

/* One more supplementary group; past PASSWD_MAX_GROUPS only counted, so
 * that the caller can say so rather than drop one. */
static void add_group(struct passwd_ids *ids, gid_t gid)
{
	for (size_t i = 0; i < ids->ngroups && i < PASSWD_MAX_GROUPS; i++)
		if (ids->groups[i] == gid)
			return;
	if (ids->ngroups < PASSWD_MAX_GROUPS)
		ids->groups[ids->ngroups] = gid;
	ids->ngroups++;
}

/* Every group that lists `user` among its members (field 3, by commas). */
static void memberships(const char *group, const char *user, size_t user_len,
			struct passwd_ids *ids)
{
	for (const char *s = group; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		const char *f, *id;
		size_t len, id_len;
		unsigned gid;

		if (*s == '#' || !field(s, 3, &f, &len) || !field(s, 2, &id, &id_len) ||
		    !number(id, id_len, &gid))
			continue;
		for (size_t i = 0; i < len;) {
			size_t m = strcspn(f + i, ",:\n");

			if (equals(f + i, m, user, user_len))
				add_group(ids, gid);
			i += m + 1;
		}
	}
}

/* The one refusal of a name: one format, so one string. */
static int no_such(char *err, size_t len, bool user, const char *name, size_t n, bool have)
{
	return fail(err, len, "there is no %s '%.*s' in /etc/%s%s", user ? "user" : "group", (int)n,
		    name, user ? "passwd" : "group", have ? "" : " (missing)");
}

int passwd_resolve(const char *spec, const char *passwd, const char *group, gid_t caller_gid,
		   struct passwd_ids *ids, char *err, size_t err_len)
{
	size_t user_len = strcspn(spec, ":"), name_len = user_len, len;
	const char *grp = spec[user_len] == ':' ? spec + user_len + 1 : NULL;
	const char *line, *f, *name = spec;
	unsigned id = 0, gid = caller_gid;
	bool numeric = number(spec, user_len, &id);

	memset(ids, 0, sizeof(*ids));
	if (user_len == 0 || (grp && !*grp))
		return fail(err, err_len, "give a user, and a group after ':' if any");
	line = lookup(passwd, spec, user_len, &id);
	if (!line && !numeric)
		return no_such(err, err_len, true, spec, user_len, passwd);
	ids->uid = id;
	if (line) {
		if (field(line, 3, &f, &len))
			(void)number(f, len, &gid);
		(void)copy(line, 5, ids->home, sizeof(ids->home));
		field(line, 0, &name, &name_len);
	}
	if (!ids->home[0])
		fmt(ids->home, sizeof(ids->home), "/");
	if (grp) {
		size_t glen = strlen(grp);

		if (!lookup(group, grp, glen, &gid) && !number(grp, glen, &gid))
			return no_such(err, err_len, false, grp, glen, group);
		add_group(ids, gid);
	} else {
		add_group(ids, gid);
		/* Only a user with a name can be a group's member. */
		if (line || !numeric)
			memberships(group, name, name_len, ids);
		if (ids->ngroups > PASSWD_MAX_GROUPS)
			return fail(err, err_len, "'%.*s' is in more than %d groups in /etc/group",
				    (int)name_len, name, PASSWD_MAX_GROUPS);
	}
	ids->gid = gid;
	/* For HOME: the caller's is left alone unless it is root's. */
	line = lookup(passwd, "0", 1, &id);
	if (!line || !copy(line, 5, ids->root_home, sizeof(ids->root_home)) || !ids->root_home[0])
		fmt(ids->root_home, sizeof(ids->root_home), "/root");
	return 0;
}
