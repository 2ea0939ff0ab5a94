/* maps/: map creation for a load, on the object model (elf/model.h). */
#ifndef MB_MAPS_MAPS_H
#define MB_MAPS_MAPS_H

#include "elf/model.h"

/* Create every map of the object (or reuse pinned ones), fill global data,
 * freeze .rodata. On failure closes what it made and removes its pins. */
int mb_maps_create(struct mb_object *obj);
/* Write the initial slots of map-in-map and prog array maps (after loading). */
int mb_maps_init_slots(struct mb_object *obj);
void mb_maps_close(struct mb_object *obj, int unpin);

#endif
