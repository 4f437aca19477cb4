/* The route table: every resource file's routes, gathered once. A new
 * resource file adds its table here. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

#define TABLE(name)                                                                                                \
    extern const http_route_t api_##name##_routes[];                                                               \
    extern const size_t api_##name##_nroutes;
TABLE(reference)
TABLE(auth)
TABLE(women)
TABLE(audit)
TABLE(pregnancy)
TABLE(delivery)
TABLE(guidance)
TABLE(appointment)
TABLE(worklist)
TABLE(children)
TABLE(child_health)
TABLE(screening)
TABLE(certificate)
TABLE(birth_service)
TABLE(indicator)
TABLE(rescue)
TABLE(critical_event)

const http_route_t *api_routes(size_t *n)
{
    static http_route_t *all;
    static size_t count;
    if (!all) {
        const struct {
            const http_route_t *r;
            size_t n;
        } tables[] = {
            {api_reference_routes, api_reference_nroutes},
            {api_auth_routes, api_auth_nroutes},
            {api_women_routes, api_women_nroutes},
            {api_audit_routes, api_audit_nroutes},
            {api_pregnancy_routes, api_pregnancy_nroutes},
            {api_delivery_routes, api_delivery_nroutes},
            {api_guidance_routes, api_guidance_nroutes},
            {api_appointment_routes, api_appointment_nroutes},
            {api_worklist_routes, api_worklist_nroutes},
            {api_children_routes, api_children_nroutes},
            {api_child_health_routes, api_child_health_nroutes},
            {api_screening_routes, api_screening_nroutes},
            {api_certificate_routes, api_certificate_nroutes},
            {api_birth_service_routes, api_birth_service_nroutes},
            {api_indicator_routes, api_indicator_nroutes},
            {api_rescue_routes, api_rescue_nroutes},
            {api_critical_event_routes, api_critical_event_nroutes},
        };
        size_t total = 0;
        for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
            total += tables[i].n;
        all = malloc(total * sizeof *all);
        for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
            memcpy(all + count, tables[i].r, tables[i].n * sizeof *all);
            count += tables[i].n;
        }
    }
    *n = count;
    return all;
}
