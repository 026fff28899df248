/* --run-as against /etc/passwd and /etc/group texts: one table of specs and
 * the ids, groups and home the command gets, or the line that refuses. */
#include "lib/passwd.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static const char passwd[] = "root:x:0:0:root:/srv/root:/bin/sh\n"
			     "svc:x:1500:1500:a service:/home/svc:/bin/sh\n"
			     "broken:x:15o1:1500::/:/bin/sh\n"
			     "nohome:x:1502:1502::::\n"
			     "#ghost:x:1503:1503::/home/ghost:/bin/sh\n"
			     "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin"; /* no last \n */

static const char group[] = "root:x:0:\n"
			    "svc:x:1500:\n"
			    "extra:x:1600:other,svc\n"
			    "more:x:1601:svc\n"
			    "notsvc:x:1602:svcs,xsvc\n"
			    "#docker:x:999:svc\n"
			    "www-data:x:33:\n";

struct row {
	const char *spec;
	const char *passwd, *group;
	unsigned uid, gid;
	const char *groups; /* "1500 1600" */
	const char *home, *root_home;
	const char *err;    /* the refusal, or NULL */
};

static const struct row rows[] = {
	{ "svc", passwd, group, 1500, 1500, "1500 1600 1601", "/home/svc", "/srv/root", NULL },
	{ "1500", passwd, group, 1500, 1500, "1500 1600 1601", "/home/svc", "/srv/root", NULL },
	{ "svc:extra", passwd, group, 1500, 1600, "1600", "/home/svc", "/srv/root", NULL },
	{ "svc:4343", passwd, group, 1500, 4343, "4343", "/home/svc", "/srv/root", NULL },
	{ "www-data", passwd, group, 33, 33, "33", "/var/www", "/srv/root", NULL },
	{ "nohome", passwd, group, 1502, 1502, "1502", "/", "/srv/root", NULL },
	/* A number needs no entry: gosu's and docker's group, the caller's. */
	{ "4242", passwd, group, 4242, 7, "7", "/", "/srv/root", NULL },
	{ "4242:4343", NULL, NULL, 4242, 4343, "4343", "/", "/root", NULL },
	{ "0", NULL, NULL, 0, 7, "7", "/", "/root", NULL },
	{ "nosuch", passwd, group, 0, 0, NULL, NULL, NULL, "there is no user 'nosuch' in /etc/passwd" },
	{ "svc", NULL, group, 0, 0, NULL, NULL, NULL,
	  "there is no user 'svc' in /etc/passwd (missing)" },
	{ "sv", passwd, group, 0, 0, NULL, NULL, NULL, "there is no user 'sv' in /etc/passwd" },
	{ "svc:nosuch", passwd, group, 0, 0, NULL, NULL, NULL,
	  "there is no group 'nosuch' in /etc/group" },
	{ "svc:extra", passwd, NULL, 0, 0, NULL, NULL, NULL,
	  "there is no group 'extra' in /etc/group (missing)" },
	/* A line without a numeric uid is no entry, as for getpwnam. */
	{ "broken", passwd, group, 0, 0, NULL, NULL, NULL, "there is no user 'broken' in /etc/passwd" },
	/* Comments, as glibc skips them: no user #ghost, and #docker gives svc
	 * no group 999 (the svc rows above). */
	{ "#ghost", passwd, group, 0, 0, NULL, NULL, NULL, "there is no user '#ghost' in /etc/passwd" },
	{ "svc:", passwd, group, 0, 0, NULL, NULL, NULL, "give a user, and a group after ':' if any" },
	{ ":svc", passwd, group, 0, 0, NULL, NULL, NULL, "give a user, and a group after ':' if any" },
	{ "-1", passwd, group, 0, 0, NULL, NULL, NULL, "there is no user '-1' in /etc/passwd" },
	{ "4294967295", passwd, group, 0, 0, NULL, NULL, NULL,
	  "there is no user '4294967295' in /etc/passwd" },
};

Test(passwd, specs_resolve_as_gosu_does)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct passwd_ids ids;
		char err[256] = "", groups[256] = "";
		int got = passwd_resolve(r->spec, r->passwd, r->group, 7, &ids, err, sizeof(err));

		if (r->err) {
			cr_expect_eq(got, -1, "'%s' resolved", r->spec);
			cr_expect_str_eq(err, r->err, "'%s'", r->spec);
			continue;
		}
		cr_expect_eq(got, 0, "'%s': %s", r->spec, err);
		cr_expect_eq(ids.uid, r->uid, "'%s'", r->spec);
		cr_expect_eq(ids.gid, r->gid, "'%s'", r->spec);
		for (size_t k = 0; k < ids.ngroups; k++)
			snprintf(groups + strlen(groups), sizeof(groups) - strlen(groups), "%s%u",
				 k ? " " : "", (unsigned)ids.groups[k]);
		cr_expect_str_eq(groups, r->groups, "'%s'", r->spec);
		cr_expect_str_eq(ids.home, r->home, "'%s'", r->spec);
		cr_expect_str_eq(ids.root_home, r->root_home, "'%s'", r->spec);
	}
}

Test(passwd, too_many_groups_is_said_not_cut)
{
	static char many[64 * 32];
	struct passwd_ids ids;
	char err[256];
	size_t n = 0;

	for (int g = 0; g < 65; g++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "g%d:x:%d:svc\n", g, 2000 + g);
	cr_assert_eq(passwd_resolve("svc", passwd, many, 7, &ids, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "'svc' is in more than 64 groups in /etc/group");
}
