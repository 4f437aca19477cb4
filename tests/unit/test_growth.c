/* Tests for domain/growth: z-scores against WHO's own published values
 * (the anthro and anthroplus test suites), against values worked out here
 * by hand from table rows copied into this file, and against an independent
 * re-implementation of WHO's arithmetic (the SPREAD table). Run from the
 * project root so that data/who-growth is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/growth.h"

#define DIR "data/who-growth"
#define EPS 1e-9

static growth_tables_t *T;

static int setup(void **state)
{
    (void)state;
    return growth_load(DIR, &T);
}

static int teardown(void **state)
{
    (void)state;
    growth_free(T);
    T = NULL;
    return 0;
}

static growth_input_t mk(int sex, int day, double w, double len, growth_measured_t m, double hc)
{
    return (growth_input_t){.sex = sex, .age_days = day, .weight_kg = w, .length_cm = len, .measured = m, .head_cm = hc};
}

static growth_result_t run(growth_input_t in)
{
    growth_result_t r;
    assert_int_equal(growth_compute(T, &in, &r), 0);
    return r;
}

static void assert_near(double got, double want, double eps)
{
    if (!(fabs(got - want) <= eps))
        fail_msg("got %.12f, want %.12f (eps %g)", got, want, eps);
}

static void assert_z(growth_z_t g, double want, double eps)
{
    assert_true(g.present);
    assert_near(g.z, want, eps);
}

/* What a WHO report shows: two decimals. */
static void assert_z2(growth_z_t g, double want)
{
    assert_true(g.present);
    assert_near(round(g.z * 100.0) / 100.0, want, 1e-9);
}

static void assert_absent(growth_z_t g)
{
    assert_false(g.present);
    assert_false(g.implausible);
    assert_true(isnan(g.z));
}

/* ---- the LMS method, written out independently of growth.c ---- */

typedef struct {
    double l, m, s;
} row_t;

static double z_of(double y, row_t r) { return (pow(y / r.m, r.l) - 1.0) / (r.s * r.l); }
static double y_of(double z, row_t r) { return r.m * pow(1.0 + r.l * r.s * z, 1.0 / r.l); }

/* Inverse of WHO's tail rule: beyond ±3 the SD3–SD2 band is the unit. */
static double y_of_tail(double z, row_t r)
{
    if (z > 3.0)
        return y_of(3.0, r) + (z - 3.0) * (y_of(3.0, r) - y_of(2.0, r));
    if (z < -3.0)
        return y_of(-3.0, r) + (z + 3.0) * (y_of(-2.0, r) - y_of(-3.0, r));
    return y_of(z, r);
}

static row_t mix(row_t a, row_t b, double f)
{
    return (row_t){a.l + f * (b.l - a.l), a.m + f * (b.m - a.m), a.s + f * (b.s - a.s)};
}

/* Rows copied from data/who-growth (sex, x, then L M S). */
static const row_t WFA_M365 = {0.0645, 9.646, 0.10925};     /* weianthro 1 365 */
static const row_t WFA_F1000 = {-0.3153, 13.256, 0.12729};  /* weianthro 2 1000 */
static const row_t WFA_F300 = {-0.1674, 8.4445, 0.12219};   /* weianthro 2 300 */
static const row_t LEN_M365 = {1, 75.7391, 0.03137};        /* lenanthro 1 365 */
static const row_t LEN_F1000 = {1, 92.8178, 0.03949};       /* lenanthro 2 1000 */
static const row_t LEN_F300 = {1, 71.2926, 0.03451};        /* lenanthro 2 300 */
static const row_t LEN_F730 = {1, 86.4008, 0.03733};        /* lenanthro 2 730 L */
static const row_t LEN_F731 = {1, 85.7299, 0.03764};        /* lenanthro 2 731 H */
static const row_t BMI_M365 = {-0.4113, 16.7992, 0.08009};  /* bmianthro 1 365 */
static const row_t BMI_F730 = {-0.5989, 15.4052, 0.08545};  /* bmianthro 2 730 */
static const row_t BMI_F731 = {-0.5684, 15.6881, 0.08454};  /* bmianthro 2 731 */
static const row_t HC_M365 = {1, 46.0637, 0.02789};         /* hcanthro 1 365 */
static const row_t HC_F1000 = {1, 48.2269, 0.02923};        /* hcanthro 2 1000 */
static const row_t WFL_F651 = {-0.3833, 7.1041, 0.09118};   /* wflanthro 2 65.1 */
static const row_t WFL_F652 = {-0.3833, 7.1269, 0.09117};   /* wflanthro 2 65.2 */
static const row_t WFL_F807 = {-0.3833, 10.2332, 0.08932};  /* wflanthro 2 80.7 */
static const row_t WFL_M750 = {-0.3521, 9.5032, 0.08295};   /* wflanthro 1 75.0 */
static const row_t WFH_F793 = {-0.3833, 10.0891, 0.0894};   /* wfhanthro 2 79.3 */
static const row_t WFH_F800 = {-0.3833, 10.2332, 0.08932};  /* wfhanthro 2 80.0 */
static const row_t WFH_M1000 = {-0.3521, 15.3576, 0.08229}; /* wfhanthro 1 100.0 */
static const row_t HFA7_M144 = {1, 149.0807, 0.04753};      /* hfawho2007 1 144 */
static const row_t HFA7_M145 = {1, 149.6212, 0.04755};      /* hfawho2007 1 145 */
static const row_t HFA7_F64 = {1, 111.1596, 0.04382};       /* hfawho2007 2 64 */
static const row_t HFA7_F224 = {1, 163.1418, 0.04023};      /* hfawho2007 2 224 */
static const row_t BFA7_M144 = {-1.7751, 17.5334, 0.11522}; /* bfawho2007 1 144 */
static const row_t BFA7_M145 = {-1.7719, 17.5877, 0.11556}; /* bfawho2007 1 145 */
static const row_t BFA7_F64 = {-0.9427, 15.2438, 0.09829};  /* bfawho2007 2 64 */
static const row_t BFA7_F224 = {-0.7819, 21.3752, 0.14405}; /* bfawho2007 2 224 */
static const row_t WFA7_F64 = {-0.4773, 18.7811, 0.14459};  /* wfawho2007 2 64 */
static const row_t WFA7_F65 = {-0.4803, 18.9545, 0.14514};  /* wfawho2007 2 65 */
static const row_t WFA7_M96 = {-0.5482, 25.4163, 0.14344};  /* wfawho2007 1 96 */

/* Ages in days that are whole months (16 months = 487 days exactly). */
#define DAY_OF_MONTH(mo) ((int)((mo) * 30.4375))

/* ---- loading ---- */

static const char *const NEEDED[] = {"weianthro.txt",  "lenanthro.txt",  "bmianthro.txt",
                                     "hcanthro.txt",   "wflanthro.txt",  "wfhanthro.txt",
                                     "hfawho2007.txt", "bfawho2007.txt", "wfawho2007.txt"};
#define N_NEEDED (sizeof NEEDED / sizeof NEEDED[0])

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Copies the needed tables into a fresh directory, applying one damage to
 * one file: drop its last row, or replace the first `from` with `to`. */
static void make_copy(char *dir, const char *victim, bool drop_last, const char *from, const char *to)
{
    strcpy(dir, "/tmp/test_growth_XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < N_NEEDED; i++) {
        char src[256], dst[256];
        snprintf(src, sizeof src, DIR "/%s", NEEDED[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, NEEDED[i]);
        size_t n;
        char *b = slurp(src, &n);
        FILE *f = fopen(dst, "wb");
        assert_non_null(f);
        if (victim && strcmp(victim, NEEDED[i]) == 0 && drop_last) {
            size_t end = n;
            while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r'))
                end--;
            while (end > 0 && b[end - 1] != '\n')
                end--;
            fwrite(b, 1, end, f);
        } else if (victim && strcmp(victim, NEEDED[i]) == 0 && from) {
            char *at = strstr(b, from);
            assert_non_null(at);
            fwrite(b, 1, (size_t)(at - b), f);
            fputs(to, f);
            fputs(at + strlen(from), f);
        } else {
            fwrite(b, 1, n, f);
        }
        fclose(f);
        free(b);
    }
}

static void remove_copy(const char *dir)
{
    for (size_t i = 0; i < N_NEEDED; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, NEEDED[i]);
        unlink(p);
    }
    rmdir(dir);
}

static int load_copy(const char *victim, bool drop_last, const char *from, const char *to)
{
    char dir[64];
    make_copy(dir, victim, drop_last, from, to);
    growth_tables_t *t = (growth_tables_t *)&t; /* must be reset by growth_load */
    int rc = growth_load(dir, &t);
    if (rc == 0)
        assert_non_null(t);
    else
        assert_null(t);
    growth_free(t);
    remove_copy(dir);
    return rc;
}

static void test_load(void **state)
{
    (void)state;
    growth_tables_t *t = NULL;
    assert_int_equal(growth_load("no/such/dir", &t), -1);
    assert_null(t);
    assert_int_equal(growth_load(NULL, &t), -1);
    assert_int_equal(growth_load(DIR, NULL), -1);
    growth_free(NULL);

    /* An undamaged copy loads: the failures below are the damage's doing. */
    assert_int_equal(load_copy(NULL, false, NULL, NULL), 0);
    assert_int_equal(load_copy("weianthro.txt", true, NULL, NULL), -1);  /* girls' day 1826 missing */
    assert_int_equal(load_copy("wfawho2007.txt", true, NULL, NULL), -1); /* girls' month 121 missing */
    assert_int_equal(load_copy("wflanthro.txt", false, "1\t45.1\t", "1\t45.15\t"), -1); /* off the 0.1 grid */
    assert_int_equal(load_copy("lenanthro.txt", false, "1\t1\t1\t50.0601", "1\t0\t1\t50.0601"), -1); /* duplicate day */
    assert_int_equal(load_copy("hcanthro.txt", false, "\t34.4618\t", "\t0\t"), -1);                   /* M = 0 */
    assert_int_equal(load_copy("bmianthro.txt", false, "\t13.4069\t", "\tx\t"), -1);                  /* not a number */
    assert_int_equal(load_copy("bfawho2007.txt", false, "sex\t", "sx\t"), -1);                        /* wrong header */
}

/* ---- argument checks ---- */

static void test_bad_arguments(void **state)
{
    (void)state;
    growth_result_t r;
    growth_input_t ok = mk(1, 100, 6.0, 60.0, GROWTH_RECUMBENT, 40.0);
    assert_int_equal(growth_compute(T, &ok, &r), 0);
    assert_true(r.wfa.present);

    growth_input_t bad[] = {
        mk(0, 100, 6.0, 60.0, GROWTH_RECUMBENT, 40.0),
        mk(3, 100, 6.0, 60.0, GROWTH_RECUMBENT, 40.0),
        mk(1, -1, 6.0, 60.0, GROWTH_RECUMBENT, 40.0),
        mk(1, GROWTH_MAX_AGE_DAYS + 1, 60.0, 170.0, GROWTH_STANDING, NAN),
        mk(1, 100, 6.0, 60.0, (growth_measured_t)2, 40.0),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(growth_compute(T, &bad[i], &r), -1);
        assert_false(r.wfa.present); /* nothing left over from the good call */
        assert_false(r.lhfa.present);
        assert_false(r.underweight);
        assert_true(isnan(r.bmi_value));
    }
    assert_int_equal(growth_compute(NULL, &ok, &r), -1);
    assert_int_equal(growth_compute(T, NULL, &r), -1);
    assert_int_equal(growth_compute(T, &ok, NULL), -1);

    growth_input_t last = mk(2, GROWTH_MAX_AGE_DAYS, 50.0, 150.0, GROWTH_STANDING, NAN);
    assert_int_equal(growth_compute(T, &last, &r), 0);
    assert_true(r.lhfa.present);
    assert_true(r.bmi.present);
}

/* ---- WHO's own values ---- */

static void test_who_published_values(void **state)
{
    (void)state;
    growth_result_t r;
    /* anthro test suite: girl, 1522 days, 17 kg -> WAZ 0.24. */
    r = run(mk(2, 1522, 17.0, NAN, GROWTH_RECUMBENT, NAN));
    assert_z2(r.wfa, 0.24);
    assert_false(r.wfa.implausible);
    /* Boy, 44 days, 50 cm: round(((50 / 56.4833) - 1) / 0.03492, 2). */
    r = run(mk(1, 44, NAN, 50.0, GROWTH_RECUMBENT, NAN));
    assert_z2(r.lhfa, round((50.0 / 56.4833 - 1.0) / 0.03492 * 100.0) / 100.0);
    assert_z2(r.lhfa, -3.29);
    /* Boy, 987 days, lying 72.86 cm -> 72.16 cm standing -> HAZ -6.09, flagged. */
    r = run(mk(1, 987, NAN, 72.86, GROWTH_RECUMBENT, NAN));
    assert_near(r.length_used_cm, 72.16, 1e-9);
    assert_z2(r.lhfa, -6.09);
    assert_true(r.lhfa.implausible);
    assert_false(r.stunting);
    /* Girl, 24 months (731 days), standing 77.5 cm -> HAZ -2.55. */
    r = run(mk(2, 731, NAN, 77.5, GROWTH_STANDING, NAN));
    assert_near(r.length_used_cm, 77.5, 0);
    assert_z2(r.lhfa, -2.55);
    assert_true(r.stunting);
    /* Boy, 8 months (244 days) "standing" 60 cm: taken as lying, -4.81;
     * 9 months (274 days) standing 60 cm -> 60.7 cm, -5.02. */
    r = run(mk(1, 244, NAN, 60.0, GROWTH_STANDING, NAN));
    assert_true(r.position_implausible);
    assert_near(r.length_used_cm, 60.0, 0);
    assert_z2(r.lhfa, -4.81);
    r = run(mk(1, 274, NAN, 60.0, GROWTH_STANDING, NAN));
    assert_false(r.position_implausible);
    assert_near(r.length_used_cm, 60.7, 1e-12);
    assert_z2(r.lhfa, -5.02);
    /* Girl, 1 day, 10.37 kg: flagged (WAZ > 5). */
    r = run(mk(2, 1, 10.37, NAN, GROWTH_RECUMBENT, NAN));
    assert_true(r.wfa.present);
    assert_true(r.wfa.implausible);
    assert_false(r.underweight);

    /* anthroplus test suite, girls just past 60 months (60.32 and 60.911701
     * months are 1836 and 1854 days): WAZ, BAZ, HAZ to 3 decimals. */
    r = run(mk(2, 1836, 18.7, 113.8, GROWTH_STANDING, NAN));
    assert_int_equal(r.reference, GROWTH_REF_WHO2007);
    assert_near(round(r.wfa.z * 1000.0) / 1000.0, 0.212, 1e-9);
    assert_near(round(r.bmi.z * 1000.0) / 1000.0, -0.575, 1e-9);
    assert_near(round(r.lhfa.z * 1000.0) / 1000.0, 0.959, 1e-9);
    r = run(mk(2, 1854, 20.5, 113.6, GROWTH_STANDING, NAN));
    assert_z2(r.wfa, 0.79);
    assert_z2(r.bmi, 0.42);
    assert_z2(r.lhfa, 0.85);
    assert_near(round(r.wfa.z * 1000.0) / 1000.0, 0.795, 1e-9);
    assert_near(round(r.bmi.z * 1000.0) / 1000.0, 0.418, 1e-9);
    assert_near(round(r.lhfa.z * 1000.0) / 1000.0, 0.848, 1e-9);
}

/* ---- a spread of ages, both sexes, every indicator ----
 * Expected values from an independent Python re-implementation of anthro /
 * anthroplus (same table rows, same interpolation, same tail rule). */

typedef struct {
    int sex, day;
    double w, len;
    growth_measured_t m;
    double hc;
    double wfa, lhfa, wflh, bmi, hcfa; /* NAN: not computed */
} spread_t;

static const spread_t SPREAD[] = {
    {1, 0, 3.3, 49.9, GROWTH_RECUMBENT, 34.5, -0.09538924224269535, 0.008346075228280368, -0.02552895754375405, -0.12101514644677742, 0.03007253744800034},
    {2, 0, 2.4, 46.1, GROWTH_RECUMBENT, 33.0, -1.9860031470546662, -1.636175202931329, -1.107179205627437, -1.803085593794497, -0.7418950360925232},
    {1, 45, 4.8, 55.0, GROWTH_RECUMBENT, 37.8, -0.37810708094198003, -0.8132077054521674, 0.6250006592116074, 0.08505823004430141, -0.3812546120885154},
    {2, 100, 5.2, 58.3, GROWTH_RECUMBENT, 38.9, -1.168798108257248, -1.0343897021757675, -0.47876898948085195, -0.7963360697297169, -0.7623894604539562},
    {1, 183, 7.9, 67.6, GROWTH_RECUMBENT, 43.3, -0.044815663551371926, -0.02031839841135748, 0.03749414999801796, -0.03848132412643711, -0.03219021007397742},
    {2, 300, 7.5, 65.15, GROWTH_RECUMBENT, 42.0, -0.9804216340148746, -2.4966796570828445, 0.5714314684099575, 0.6733895715484899, -1.6186418658083432},
    {1, 365, 9.6, 75.7, GROWTH_RECUMBENT, 46.1, -0.04374815852644292, -0.01645667523272109, -0.05511917637976944, -0.034782261571113, 0.028255258940217617},
    {2, 500, 8.1, 73.0, GROWTH_RECUMBENT, 44.2, -1.674781285527459, -2.1520677519220484, -0.8884626258024596, -0.49545627798662667, -1.2706967455508766},
    {1, 600, 12.9, 80.25, GROWTH_RECUMBENT, 47.7, 1.193162741856716, -1.3143854244611115, 2.397714971140236, 2.689576895585327, 0.03905663150963858},
    {2, 730, 11.5, 86.0, GROWTH_STANDING, 47.0, 0.018193290234503653, 0.09276536026755713, -0.14062092916932398, -0.08121541426509594, -0.1289068445494586},
    {1, 731, 12.2, 87.1, GROWTH_STANDING, 48.4, 0.03248187509139014, -0.009913199229260225, 0.011051086183884739, 0.049949847572133305, 0.10754946906794491},
    {2, 731, 10.2, 84.3, GROWTH_RECUMBENT, 46.5, -0.9715875813828332, -0.6600506782318094, -0.9120388668337033, -0.8725567735765752, -0.49059460793952636},
    {1, 900, 15.8, 88.8, GROWTH_STANDING, 49.1, 1.5099942012893173, -0.8315511434866568, 2.7013728531878605, 2.8714014995003545, 0.14975173437832798},
    {2, 1100, 12.0, 96.43, GROWTH_STANDING, 48.0, -1.150370172976181, 0.3360343192369335, -1.9794705401968256, -2.1727366820536878, -0.3692270051960689},
    {1, 1300, 14.0, 99.5, GROWTH_STANDING, 49.8, -0.8036325307702339, -0.1944648160843791, -1.0322474009639013, -1.0913237235358522, -0.08158473934408032},
    {2, 1522, 17.0, 104.2, GROWTH_STANDING, 50.2, 0.24003779455375895, 0.06739236191162676, 0.3128496688113915, 0.2800154757606224, 0.5335552190893463},
    {1, 1700, 23.0, 110.0, GROWTH_STANDING, 51.5, 1.9609405181277952, 0.5156518034565849, 2.372687656038964, 2.4439747507751544, 0.6258329961651626},
    {2, 1826, 18.2, 109.4, GROWTH_STANDING, 49.9, -0.006633851625133856, -0.003974474708784612, -0.09961213235443386, -0.04559537163862934, -0.015813985361520448},
    {1, 1826, 13.1, 118.0, GROWTH_STANDING, 53.9, -2.5513627136291235, 1.7352712085643691, -5.307709298386101, -5.706074864446334, 2.1167030450742206},
    {1, 1827, 18.3, 109.6, GROWTH_STANDING, NAN, -0.01562790584683484, -0.030642748653604293, NAN, -0.02607359032691553, NAN},
    {2, 2500, 24.0, 122.0, GROWTH_STANDING, NAN, 0.5485207366481295, 0.382514966184764, NAN, 0.4344627790761653, NAN},
    {1, 3000, 28.0, 130.0, GROWTH_STANDING, NAN, 0.5065680284818699, 0.27789260656904907, NAN, 0.4764240148956618, NAN},
    {2, 3682, 24.0, 131.5, GROWTH_STANDING, NAN, -1.7873266552818494, -1.1907592655802226, NAN, -1.6994298330692317, NAN},
    {1, 3683, 40.0, 141.0, GROWTH_STANDING, NAN, NAN, 0.4352691150971618, NAN, 1.587802337622276, NAN},
    {2, 5000, 45.0, 155.0, GROWTH_STANDING, NAN, NAN, -0.5626918361615139, NAN, -0.23843032907279638, NAN},
    {1, 6000, 80.0, 172.0, GROWTH_STANDING, NAN, NAN, -0.2661602742991712, NAN, 1.7669188683886923, NAN},
    {1, 6970, 60.0, 175.0, GROWTH_STANDING, NAN, NAN, -0.2114466203730331, NAN, -1.0133283126180657, NAN},
    {2, 6970, 50.0, 150.0, GROWTH_STANDING, NAN, NAN, -2.011167943981725, NAN, 0.2489599663582535, NAN},
};

static void check_one(growth_z_t g, double want, const spread_t *c, const char *name)
{
    if (isnan(want)) {
        if (g.present)
            fail_msg("sex %d day %d %s: present (%.6f), want absent", c->sex, c->day, name, g.z);
        return;
    }
    if (!g.present)
        fail_msg("sex %d day %d %s: absent, want %.6f", c->sex, c->day, name, want);
    if (!(fabs(g.z - want) <= 1e-9))
        fail_msg("sex %d day %d %s: got %.12f, want %.12f", c->sex, c->day, name, g.z, want);
}

static void test_spread(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SPREAD / sizeof SPREAD[0]; i++) {
        const spread_t *c = &SPREAD[i];
        growth_result_t r = run(mk(c->sex, c->day, c->w, c->len, c->m, c->hc));
        check_one(r.wfa, c->wfa, c, "wfa");
        check_one(r.lhfa, c->lhfa, c, "lhfa");
        check_one(r.wflh, c->wflh, c, "wflh");
        check_one(r.bmi, c->bmi, c, "bmi");
        check_one(r.hcfa, c->hcfa, c, "hcfa");
    }
}

/* ---- anchor points worked out from the rows above ---- */

static void test_median_and_sd_points(void **state)
{
    (void)state;
    const double ks[] = {-3, -2, -1, 0, 1, 2, 3};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        double k = ks[i];
        growth_result_t r;
        r = run(mk(1, 365, y_of(k, WFA_M365), NAN, GROWTH_RECUMBENT, y_of(k, HC_M365)));
        assert_z(r.wfa, k, EPS);
        assert_z(r.hcfa, k, EPS);
        r = run(mk(2, 1000, y_of(k, WFA_F1000), y_of(k, LEN_F1000), GROWTH_STANDING, y_of(k, HC_F1000)));
        assert_z(r.wfa, k, EPS);
        assert_z(r.lhfa, k, EPS);
        assert_z(r.hcfa, k, EPS);
        r = run(mk(1, 365, NAN, y_of(k, LEN_M365), GROWTH_RECUMBENT, NAN));
        assert_z(r.lhfa, k, EPS);
        /* Weight-for-length at exact rows: 75.0 cm lying (boy), 100.0 cm standing. */
        r = run(mk(1, 300, y_of(k, WFL_M750), 75.0, GROWTH_RECUMBENT, NAN));
        assert_z(r.wflh, k, EPS);
        r = run(mk(1, 1200, y_of(k, WFH_M1000), 100.0, GROWTH_STANDING, NAN));
        assert_z(r.wflh, k, EPS);
        /* BMI-for-age: 75 cm lying at 365 days, weight to hit the BMI. */
        r = run(mk(1, 365, y_of(k, BMI_M365) * 0.75 * 0.75, 75.0, GROWTH_RECUMBENT, NAN));
        assert_z(r.bmi, k, 1e-8);
        /* 2007 reference at whole months (no interpolation): 64 and 224 months. */
        r = run(mk(2, DAY_OF_MONTH(64), y_of(k, WFA7_F64), y_of(k, HFA7_F64), GROWTH_STANDING, NAN));
        assert_int_equal(r.reference, GROWTH_REF_WHO2007);
        assert_z(r.wfa, k, EPS);
        assert_z(r.lhfa, k, EPS);
        double h = 1.2;
        r = run(mk(2, DAY_OF_MONTH(64), y_of(k, BFA7_F64) * h * h, 120.0, GROWTH_STANDING, NAN));
        assert_z(r.bmi, k, 1e-8);
        r = run(mk(2, DAY_OF_MONTH(224), y_of(k, BFA7_F224) * 1.6 * 1.6, 160.0, GROWTH_STANDING, NAN));
        assert_z(r.bmi, k, 1e-8);
        r = run(mk(2, DAY_OF_MONTH(224), 50.0, y_of(k, HFA7_F224), GROWTH_STANDING, NAN));
        assert_z(r.lhfa, k, EPS);
        r = run(mk(1, DAY_OF_MONTH(96), y_of(k, WFA7_M96), NAN, GROWTH_STANDING, NAN));
        assert_z(r.wfa, k, EPS);
    }
    /* The sex decides the table: the boy's median weight is not the girl's. */
    growth_result_t r = run(mk(2, 365, WFA_M365.m, NAN, GROWTH_RECUMBENT, NAN));
    assert_true(fabs(r.wfa.z) > 0.2);
}

/* ---- the ±3 SD tail rule ---- */

static void tail_case(row_t row, growth_z_t (*pick)(growth_input_t), growth_input_t (*input)(double y))
{
    const double zs[] = {4.0, -4.0, 3.5, -3.5, 5.5, -5.9};
    for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++) {
        double y = y_of_tail(zs[i], row);
        /* Guard the test itself: the plain LMS curve must disagree, or this
         * would not show that the tail rule is applied. */
        assert_true(fabs(z_of(y, row) - zs[i]) > 0.01);
        growth_z_t g = pick(input(y));
        assert_z(g, zs[i], EPS);
    }
}

static growth_z_t pick_wfa(growth_input_t in) { return run(in).wfa; }
static growth_z_t pick_wflh(growth_input_t in) { return run(in).wflh; }
static growth_z_t pick_bmi(growth_input_t in) { return run(in).bmi; }
static growth_input_t in_wfa_m365(double y) { return mk(1, 365, y, NAN, GROWTH_RECUMBENT, NAN); }
static growth_input_t in_wfa_f300(double y) { return mk(2, 300, y, NAN, GROWTH_RECUMBENT, NAN); }
static growth_input_t in_wfl_m750(double y) { return mk(1, 300, y, 75.0, GROWTH_RECUMBENT, NAN); }
static growth_input_t in_wfh_f800(double y) { return mk(2, 900, y, 80.0, GROWTH_STANDING, NAN); }
static growth_input_t in_bmi_m365(double y) { return mk(1, 365, y * 0.75 * 0.75, 75.0, GROWTH_RECUMBENT, NAN); }
static growth_input_t in_bfa7_m144(double y) { return mk(1, DAY_OF_MONTH(144), y * 1.5 * 1.5, 150.0, GROWTH_STANDING, NAN); }
static growth_input_t in_wfa7_m96(double y) { return mk(1, DAY_OF_MONTH(96), y, NAN, GROWTH_STANDING, NAN); }

static void test_tail_rule(void **state)
{
    (void)state;
    /* The brief's check, spelt out: SD3 + (SD3 - SD2) is exactly z = 4. */
    double sd3 = y_of(3, WFA_M365), sd2 = y_of(2, WFA_M365);
    assert_z(run(mk(1, 365, sd3 + (sd3 - sd2), NAN, GROWTH_RECUMBENT, NAN)).wfa, 4.0, EPS);
    assert_z(run(mk(1, 365, sd3, NAN, GROWTH_RECUMBENT, NAN)).wfa, 3.0, EPS);

    tail_case(WFA_M365, pick_wfa, in_wfa_m365);
    tail_case(WFA_F300, pick_wfa, in_wfa_f300);
    tail_case(WFL_M750, pick_wflh, in_wfl_m750);
    tail_case(WFH_F800, pick_wflh, in_wfh_f800);
    tail_case(BMI_M365, pick_bmi, in_bmi_m365);
    tail_case(BFA7_M144, pick_bmi, in_bfa7_m144);
    tail_case(WFA7_M96, pick_wfa, in_wfa7_m96);

    /* Length and head circumference keep the plain LMS z (L = 1 there, so
     * the curve is linear and z = 4 sits at M(1 + 4S)). */
    growth_result_t r = run(mk(1, 365, NAN, 75.7391 * (1 + 4 * 0.03137), GROWTH_RECUMBENT, 46.0637 * (1 - 4.5 * 0.02789)));
    assert_z(r.lhfa, 4.0, EPS);
    assert_z(r.hcfa, -4.5, EPS);
}

/* ---- 0.7 cm correction and the table switch at 731 days ---- */

static void test_731_boundary(void **state)
{
    (void)state;
    growth_result_t r;
    /* Girl, 730 days, standing 80.0 -> 80.7 lying: day-730 length row,
     * weight-for-length at the 80.7 row, BMI from 80.7 cm. */
    r = run(mk(2, 730, 10.5, 80.0, GROWTH_STANDING, NAN));
    assert_int_equal(r.reference, GROWTH_REF_WHO2006);
    assert_near(r.length_used_cm, 80.7, 1e-12);
    assert_z(r.lhfa, z_of(80.7, LEN_F730), 1e-9);
    assert_z(r.wflh, z_of(10.5, WFL_F807), 1e-9);
    assert_near(r.bmi_value, 10.5 / (0.807 * 0.807), 1e-9);
    assert_z(r.bmi, z_of(10.5 / (0.807 * 0.807), BMI_F730), 1e-9);
    /* Lying at 730 days: used as measured. */
    r = run(mk(2, 730, 10.5, 80.0, GROWTH_RECUMBENT, NAN));
    assert_near(r.length_used_cm, 80.0, 0);
    assert_z(r.lhfa, z_of(80.0, LEN_F730), 1e-9);

    /* Girl, 731 days, lying 80.0 -> 79.3 standing: day-731 height row,
     * weight-for-height at the 79.3 row. */
    r = run(mk(2, 731, 10.5, 80.0, GROWTH_RECUMBENT, NAN));
    assert_near(r.length_used_cm, 79.3, 1e-12);
    assert_z(r.lhfa, z_of(79.3, LEN_F731), 1e-9);
    assert_z(r.wflh, z_of(10.5, WFH_F793), 1e-9);
    assert_z(r.bmi, z_of(10.5 / (0.793 * 0.793), BMI_F731), 1e-9);
    /* Standing at 731 days: used as measured, weight-for-height at 80.0. */
    r = run(mk(2, 731, 10.5, 80.0, GROWTH_STANDING, NAN));
    assert_near(r.length_used_cm, 80.0, 0);
    assert_z(r.wflh, z_of(10.5, WFH_F800), 1e-9);
    assert_z(r.lhfa, z_of(80.0, LEN_F731), 1e-9);

    /* The correction moves the score: lying and standing at 731 differ by
     * 0.7 cm of length, i.e. 0.7 / (M S) in z. */
    growth_result_t a = run(mk(2, 731, NAN, 80.0, GROWTH_RECUMBENT, NAN));
    growth_result_t b = run(mk(2, 731, NAN, 80.0, GROWTH_STANDING, NAN));
    assert_near(b.lhfa.z - a.lhfa.z, 0.7 / (85.7299 * 0.03764), 1e-9);
}

static void test_nine_months(void **state)
{
    (void)state;
    /* 9 months = 273.9 days: a standing height before it is a recording
     * error and is scored as the length it must have been. */
    growth_result_t r = run(mk(2, 273, NAN, 65.0, GROWTH_STANDING, NAN));
    assert_true(r.position_implausible);
    assert_near(r.length_used_cm, 65.0, 0);
    r = run(mk(2, 274, NAN, 65.0, GROWTH_STANDING, NAN));
    assert_false(r.position_implausible);
    assert_near(r.length_used_cm, 65.7, 1e-12);
    r = run(mk(2, 200, NAN, 65.0, GROWTH_RECUMBENT, NAN));
    assert_false(r.position_implausible);
}

/* ---- interpolation between 0.1 cm rows and between month rows ---- */

static void test_interpolation(void **state)
{
    (void)state;
    /* 65.15 cm lies halfway between the 65.1 and 65.2 rows. */
    growth_result_t r = run(mk(2, 300, 7.5, 65.15, GROWTH_RECUMBENT, NAN));
    assert_z(r.wflh, z_of(7.5, mix(WFL_F651, WFL_F652, 0.5)), 1e-9);
    assert_z(r.lhfa, z_of(65.15, LEN_F300), 1e-9); /* by day: nothing to interpolate */
    /* Not the same as either row alone, nor as rounding the length. */
    assert_true(fabs(r.wflh.z - z_of(7.5, WFL_F651)) > 0.01);
    assert_true(fabs(r.wflh.z - z_of(7.5, WFL_F652)) > 0.01);
    /* Exactly on a row, that row. */
    r = run(mk(2, 300, 7.5, 65.1, GROWTH_RECUMBENT, NAN));
    assert_z(r.wflh, z_of(7.5, WFL_F651), 1e-9);
    /* 65.12: a fifth of the way. */
    r = run(mk(2, 300, 7.5, 65.12, GROWTH_RECUMBENT, NAN));
    assert_z(r.wflh, z_of(7.5, mix(WFL_F651, WFL_F652, 0.2)), 1e-9);

    /* 2007 reference: 4398 days = 144.49 months, between month rows. */
    double mo = 4398 / 30.4375, f = mo - 144.0;
    r = run(mk(1, 4398, 36.0, 150.0, GROWTH_STANDING, NAN));
    assert_z(r.lhfa, z_of(150.0, mix(HFA7_M144, HFA7_M145, f)), 1e-9);
    assert_z(r.bmi, z_of(36.0 / (1.5 * 1.5), mix(BFA7_M144, BFA7_M145, f)), 1e-9);
    assert_true(fabs(r.lhfa.z - z_of(150.0, HFA7_M144)) > 0.02);
    /* Weight-for-age, girl, 1963 days = 64.49 months. */
    mo = 1963 / 30.4375;
    r = run(mk(2, 1963, 19.0, NAN, GROWTH_STANDING, NAN));
    assert_z(r.wfa, z_of(19.0, mix(WFA7_F64, WFA7_F65, mo - 64.0)), 1e-9);
}

/* ---- ranges and the 5-year switch ---- */

static void test_wflh_ranges(void **state)
{
    (void)state;
    /* Lying table 45–110 cm before 731 days, standing 65–120 cm after. */
    assert_false(run(mk(2, 100, 2.0, 44.9, GROWTH_RECUMBENT, NAN)).wflh.present);
    assert_true(run(mk(2, 100, 2.0, 45.0, GROWTH_RECUMBENT, NAN)).wflh.present);
    assert_true(run(mk(2, 700, 18.0, 110.0, GROWTH_RECUMBENT, NAN)).wflh.present);
    assert_false(run(mk(2, 700, 18.0, 110.1, GROWTH_RECUMBENT, NAN)).wflh.present);
    assert_false(run(mk(2, 800, 7.0, 64.9, GROWTH_STANDING, NAN)).wflh.present);
    assert_true(run(mk(2, 800, 7.0, 65.0, GROWTH_STANDING, NAN)).wflh.present);
    assert_true(run(mk(2, 1500, 22.0, 120.0, GROWTH_STANDING, NAN)).wflh.present);
    assert_false(run(mk(2, 1500, 22.0, 120.1, GROWTH_STANDING, NAN)).wflh.present);
    /* The range applies to the corrected length: 65.6 lying at 731 days is
     * 64.9 standing, below the table. */
    growth_result_t r = run(mk(2, 731, 7.0, 65.6, GROWTH_RECUMBENT, NAN));
    assert_false(r.wflh.present);
    assert_true(r.lhfa.present);
    /* ... and 44.4 standing at 300 days is 45.1 lying, inside it. */
    assert_true(run(mk(2, 300, 2.5, 44.4, GROWTH_STANDING, NAN)).wflh.present);
    /* The table ends and their z-scores. */
    assert_z(run(mk(2, 100, 2.4607, 45.0, GROWTH_RECUMBENT, NAN)).wflh, 0.0, EPS);
    assert_z(run(mk(2, 700, 18.3324, 110.0, GROWTH_RECUMBENT, NAN)).wflh, 0.0, EPS);
    assert_z(run(mk(2, 800, 7.2402, 65.0, GROWTH_STANDING, NAN)).wflh, 0.0, EPS);
    assert_z(run(mk(2, 1500, 22.8173, 120.0, GROWTH_STANDING, NAN)).wflh, 0.0, EPS);
}

static void test_five_year_switch(void **state)
{
    (void)state;
    /* 1826 days = 59.99 months: still the 2006 standards, all five. */
    growth_result_t r = run(mk(1, 1826, 18.0, 110.0, GROWTH_STANDING, 50.0));
    assert_int_equal(r.reference, GROWTH_REF_WHO2006);
    assert_true(r.wfa.present && r.lhfa.present && r.wflh.present && r.bmi.present && r.hcfa.present);
    /* 1827 days = 60.03 months: the 2007 reference; no head circumference or
     * weight-for-height there. */
    r = run(mk(1, 1827, 18.0, 110.0, GROWTH_STANDING, 50.0));
    assert_int_equal(r.reference, GROWTH_REF_WHO2007);
    assert_true(r.wfa.present && r.lhfa.present && r.bmi.present);
    assert_absent(r.wflh);
    assert_absent(r.hcfa);
    /* From 5 years the length is used as given (anthroplus has no position). */
    growth_result_t lying = run(mk(1, 1827, 18.0, 110.0, GROWTH_RECUMBENT, NAN));
    assert_near(lying.length_used_cm, 110.0, 0);
    assert_near(lying.lhfa.z, r.lhfa.z, 0);
    /* ... whereas at 1826 days lying is corrected. */
    lying = run(mk(1, 1826, 18.0, 110.0, GROWTH_RECUMBENT, NAN));
    assert_near(lying.length_used_cm, 109.3, 1e-12);

    /* Weight-for-age of the 2007 reference stops below 121 months. */
    assert_true(run(mk(2, 3682, 30.0, 135.0, GROWTH_STANDING, NAN)).wfa.present);
    r = run(mk(2, 3683, 30.0, 135.0, GROWTH_STANDING, NAN));
    assert_absent(r.wfa);
    assert_true(r.lhfa.present && r.bmi.present);
}

/* ---- missing or impossible measurements ---- */

static void test_missing_values(void **state)
{
    (void)state;
    growth_result_t r = run(mk(1, 400, NAN, NAN, GROWTH_RECUMBENT, NAN));
    assert_absent(r.wfa);
    assert_absent(r.lhfa);
    assert_absent(r.wflh);
    assert_absent(r.bmi);
    assert_absent(r.hcfa);
    assert_true(isnan(r.bmi_value));
    assert_true(isnan(r.length_used_cm));
    assert_false(r.underweight || r.stunting || r.wasting || r.overweight || r.obesity);

    r = run(mk(1, 400, 9.0, NAN, GROWTH_RECUMBENT, 46.0));
    assert_true(r.wfa.present);
    assert_true(r.hcfa.present);
    assert_absent(r.lhfa);
    assert_absent(r.wflh);
    assert_absent(r.bmi);

    r = run(mk(1, 400, 0.0, -3.0, GROWTH_RECUMBENT, 0.0));
    assert_absent(r.wfa);
    assert_absent(r.lhfa);
    assert_absent(r.hcfa);
    assert_true(isnan(r.bmi_value));
    r = run(mk(1, 400, INFINITY, 75.0, GROWTH_RECUMBENT, NAN));
    assert_absent(r.wfa);
    assert_absent(r.bmi);
    assert_true(r.lhfa.present);
}

/* ---- implausible flags (SOURCE.md), decided on the 2-decimal z ---- */

typedef growth_result_t (*at_z_fn)(double z);

static growth_result_t wfa_at(double z) { return run(mk(1, 365, y_of_tail(z, WFA_M365), NAN, GROWTH_RECUMBENT, NAN)); }
static growth_result_t len_at(double z) { return run(mk(1, 365, NAN, y_of(z, LEN_M365), GROWTH_RECUMBENT, NAN)); }
static growth_result_t wfl_at(double z) { return run(mk(1, 300, y_of_tail(z, WFL_M750), 75.0, GROWTH_RECUMBENT, NAN)); }
static growth_result_t bmi_at(double z) { return run(mk(1, 365, y_of_tail(z, BMI_M365) * 0.75 * 0.75, 75.0, GROWTH_RECUMBENT, NAN)); }
static growth_result_t hc_at(double z) { return run(mk(1, 365, NAN, NAN, GROWTH_RECUMBENT, y_of(z, HC_M365))); }
static growth_result_t hfa7_at(double z) { return run(mk(2, DAY_OF_MONTH(224), NAN, y_of(z, HFA7_F224), GROWTH_STANDING, NAN)); }
static growth_result_t bfa7_at(double z) { return run(mk(2, DAY_OF_MONTH(224), y_of_tail(z, BFA7_F224) * 1.6 * 1.6, 160.0, GROWTH_STANDING, NAN)); }
static growth_result_t wfa7_at(double z) { return run(mk(1, DAY_OF_MONTH(96), y_of_tail(z, WFA7_M96), NAN, GROWTH_STANDING, NAN)); }

static growth_z_t g_wfa(growth_result_t r) { return r.wfa; }
static growth_z_t g_len(growth_result_t r) { return r.lhfa; }
static growth_z_t g_wfl(growth_result_t r) { return r.wflh; }
static growth_z_t g_bmi(growth_result_t r) { return r.bmi; }
static growth_z_t g_hc(growth_result_t r) { return r.hcfa; }

static void flag_edges(at_z_fn at, growth_z_t (*g)(growth_result_t), double lo, double hi)
{
    growth_z_t z;
    z = g(at(hi + 0.004)); /* rounds to the limit: not beyond it */
    assert_true(z.present);
    assert_false(z.implausible);
    z = g(at(hi + 0.006));
    assert_true(z.implausible);
    z = g(at(lo - 0.004));
    assert_false(z.implausible);
    z = g(at(lo - 0.006));
    assert_true(z.implausible);
    z = g(at(0.0));
    assert_false(z.implausible);
}

static void test_implausible_flags(void **state)
{
    (void)state;
    flag_edges(wfa_at, g_wfa, -6.0, 5.0);
    flag_edges(len_at, g_len, -6.0, 6.0);
    flag_edges(wfl_at, g_wfl, -5.0, 5.0);
    flag_edges(bmi_at, g_bmi, -5.0, 5.0);
    flag_edges(hc_at, g_hc, -5.0, 5.0);
    flag_edges(hfa7_at, g_len, -6.0, 6.0);
    flag_edges(bfa7_at, g_bmi, -5.0, 5.0);
    flag_edges(wfa7_at, g_wfa, -6.0, 5.0);
    /* The weight-for-age limits are not symmetric. */
    assert_false(wfa_at(-5.5).wfa.implausible);
    assert_true(wfa_at(5.5).wfa.implausible);
}

/* ---- classifications ---- */

static void test_classification_0_5(void **state)
{
    (void)state;
    growth_result_t r;
    r = wfa_at(-2.004);
    assert_false(r.underweight); /* -2.00 is not below -2 */
    r = wfa_at(-2.006);
    assert_true(r.underweight);
    r = wfa_at(-5.9);
    assert_true(r.underweight);
    r = wfa_at(-6.5); /* implausible: no classification */
    assert_true(r.wfa.implausible);
    assert_false(r.underweight);

    r = len_at(-2.004);
    assert_false(r.stunting);
    r = len_at(-2.006);
    assert_true(r.stunting);
    r = len_at(-6.2);
    assert_false(r.stunting);

    r = wfl_at(-2.004);
    assert_false(r.wasting);
    r = wfl_at(-2.006);
    assert_true(r.wasting);
    assert_false(r.overweight);
    r = wfl_at(-5.2);
    assert_true(r.wflh.implausible);
    assert_false(r.wasting);
    r = wfl_at(2.004);
    assert_false(r.overweight);
    r = wfl_at(2.006);
    assert_true(r.overweight);
    assert_false(r.obesity);
    r = wfl_at(3.004);
    assert_true(r.overweight);
    assert_false(r.obesity);
    r = wfl_at(3.006);
    assert_true(r.overweight);
    assert_true(r.obesity);
    r = wfl_at(5.2);
    assert_false(r.overweight);
    assert_false(r.obesity);

    /* Under 5 years a high BMI-for-age alone does not classify: WHO uses
     * WHZ, and without a weight-for-length there is none. */
    r = run(mk(1, 365, 15.0, NAN, GROWTH_RECUMBENT, NAN));
    assert_true(r.wfa.present);
    assert_false(r.overweight || r.obesity || r.wasting);
}

static void test_classification_5_19(void **state)
{
    (void)state;
    growth_result_t r;
    r = bfa7_at(1.004);
    assert_false(r.overweight);
    r = bfa7_at(1.006);
    assert_true(r.overweight);
    assert_false(r.obesity);
    r = bfa7_at(2.004);
    assert_true(r.overweight);
    assert_false(r.obesity);
    r = bfa7_at(2.006);
    assert_true(r.overweight);
    assert_true(r.obesity);
    r = bfa7_at(-2.004);
    assert_false(r.wasting);
    r = bfa7_at(-2.006);
    assert_true(r.wasting); /* thinness */
    assert_false(r.overweight);
    r = bfa7_at(5.5);
    assert_false(r.obesity);

    r = hfa7_at(-2.006);
    assert_true(r.stunting);
    r = hfa7_at(-1.99);
    assert_false(r.stunting);
    r = wfa7_at(-2.006);
    assert_true(r.underweight);
    r = wfa7_at(-2.004);
    assert_false(r.underweight);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_who_published_values),
        cmocka_unit_test(test_spread),
        cmocka_unit_test(test_median_and_sd_points),
        cmocka_unit_test(test_tail_rule),
        cmocka_unit_test(test_731_boundary),
        cmocka_unit_test(test_nine_months),
        cmocka_unit_test(test_interpolation),
        cmocka_unit_test(test_wflh_ranges),
        cmocka_unit_test(test_five_year_switch),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_implausible_flags),
        cmocka_unit_test(test_classification_0_5),
        cmocka_unit_test(test_classification_5_19),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
